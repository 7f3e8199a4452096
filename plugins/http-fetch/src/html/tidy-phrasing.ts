/**
 * @module Moves whitespace at the edges of emphasis, strong, strikethrough and links outside them.
 * Pages write `a<b> bold </b>c`; Markdown cannot open `**` before a space, so mdast-util-to-markdown
 * falls back to character references (`&#x61;**&#x20;bold…`). Outside, it is plain `a **bold** c`.
 */
import type { Nodes, PhrasingContent } from "mdast";

const WRAPPERS = new Set(["strong", "emphasis", "delete", "link"]);

function trimEdge(children: PhrasingContent[], end: "start" | "end"): boolean {
  const index = end === "start" ? 0 : children.length - 1;
  const edge = children[index];
  if (edge?.type !== "text") return false;
  const trimmed = end === "start" ? edge.value.trimStart() : edge.value.trimEnd();
  if (trimmed === edge.value) return false;
  if (trimmed === "") children.splice(index, 1);
  else edge.value = trimmed;
  return true;
}

/** Rewrites `node` in place, innermost first, so nested wrappers pass their spaces outwards. */
export function tidyPhrasing(node: Nodes): void {
  if (!("children" in node)) return;
  for (const child of node.children) tidyPhrasing(child);
  if (!node.children.some((child) => WRAPPERS.has(child.type))) return;
  // Only phrasing parents hold wrappers, so the children here are all phrasing content.
  const children = node.children as PhrasingContent[];
  const out: PhrasingContent[] = [];
  for (const child of children) {
    if (!WRAPPERS.has(child.type) || !("children" in child)) {
      out.push(child);
      continue;
    }
    const inner = child.children as PhrasingContent[];
    const before = trimEdge(inner, "start");
    const after = inner.length > 0 && trimEdge(inner, "end");
    if (before) out.push({ type: "text", value: " " });
    if (inner.length > 0) out.push(child);
    if (after) out.push({ type: "text", value: " " });
  }
  node.children = out as typeof node.children;
}
