/**
 * @module Plain text from mdast: the blocks of the Markdown rendering (paragraphs apart, list
 * markers, table rows with ` | ` between cells, code as is) without any inline markup or escapes.
 */
import type { List, Nodes, Parents, Root } from "mdast";

function phrasing(node: Nodes): string {
  switch (node.type) {
    case "text":
    case "inlineCode":
      return node.value;
    case "break":
      return "\n";
    case "image":
      return node.alt ?? "";
    case "html":
      return "";
    default:
      return "children" in node ? node.children.map(phrasing).join("") : "";
  }
}

function indent(marker: string, body: string): string {
  const pad = " ".repeat(marker.length);
  return body
    .split("\n")
    .map((line, i) => (i === 0 ? marker + line : line === "" ? line : pad + line))
    .join("\n");
}

function list(node: List): string {
  let n = node.start ?? 1;
  return node.children
    .map((item) => indent(node.ordered ? `${n++}. ` : "- ", blocks(item, item.spread ? "\n\n" : "\n")))
    .join(node.spread ? "\n\n" : "\n");
}

function block(node: Nodes): string {
  switch (node.type) {
    case "paragraph":
    case "heading":
      return phrasing(node).trim();
    case "code":
      return node.value;
    case "list":
      return list(node);
    case "table":
      return node.children
        .map((row) => row.children.map((cell) => phrasing(cell).trim()).join(" | "))
        .join("\n");
    case "blockquote":
    case "listItem":
    case "root":
      return blocks(node, "\n\n");
    case "thematicBreak":
    case "html":
      return "";
    default:
      return phrasing(node).trim();
  }
}

function blocks(node: Parents, separator: string): string {
  return node.children
    .map(block)
    .filter((text) => text !== "")
    .join(separator);
}

export function mdastToText(root: Root): string {
  return blocks(root, "\n\n");
}
