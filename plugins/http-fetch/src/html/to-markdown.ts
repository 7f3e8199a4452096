/**
 * @module HTML → Markdown for a model to read: headings, paragraphs, links (absolute), emphasis,
 * lists (nested, ordered), code and fenced `pre`, blockquotes, simple tables. Page chrome and
 * non-content (script, style, nav, head, forms' hidden parts) is dropped.
 */
import { type HtmlElement, type HtmlNode, parseHtml } from "./parse.js";

const STRIP = new Set([
  "script",
  "style",
  "nav",
  "noscript",
  "template",
  "svg",
  "iframe",
  "head",
  "canvas",
  "object",
  "embed",
  "noembed",
  "select",
  "button",
  "input",
  "textarea",
]);
const BLOCK = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "caption",
  "center",
  "dd",
  "details",
  "dialog",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hgroup",
  "hr",
  "html",
  "legend",
  "li",
  "main",
  "menu",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "ul",
  "#document",
]);

interface Context {
  readonly base: URL | undefined;
  /** plain text: the same layout without Markdown markers */
  readonly plain: boolean;
}

function hidden(el: HtmlElement): boolean {
  return STRIP.has(el.name) || "hidden" in el.attrs || el.attrs["aria-hidden"] === "true";
}

function absolute(href: string, ctx: Context): string | undefined {
  if (href === "" || href.startsWith("#") || /^\s*(javascript|data|vbscript):/i.test(href)) return undefined;
  try {
    return new URL(href, ctx.base).href;
  } catch {
    return undefined;
  }
}

/** Moves a run's outer whitespace outside its markers: `**a** b`, never `** a **b`. */
function wrap(raw: string, open: string, close = open): string {
  const inner = raw.trim();
  if (!inner) return raw.length > 0 ? " " : "";
  return `${/^\s/.test(raw) ? " " : ""}${open}${inner}${close}${/\s$/.test(raw) ? " " : ""}`;
}

/** Text as in a `<pre>`: every descendant's text, `<br>` as a line break, nothing collapsed. */
function rawText(node: HtmlNode): string {
  if (typeof node === "string") return node;
  if (node.name === "br") return "\n";
  return hidden(node) ? "" : node.children.map(rawText).join("");
}

function inline(nodes: readonly HtmlNode[], ctx: Context): string {
  let out = "";
  for (const node of nodes) {
    if (typeof node === "string") out += node.replace(/\s+/g, " ");
    else if (!hidden(node)) out += inlineElement(node, ctx);
  }
  return out;
}

function inlineElement(el: HtmlElement, ctx: Context): string {
  if (ctx.plain)
    return el.name === "br" ? "\n" : el.name === "img" ? (el.attrs.alt ?? "") : inline(el.children, ctx);
  switch (el.name) {
    case "br":
      return "\n";
    case "strong":
    case "b":
      return wrap(inline(el.children, ctx), "**");
    case "em":
    case "i":
      return wrap(inline(el.children, ctx), "*");
    case "del":
    case "s":
      return wrap(inline(el.children, ctx), "~~");
    case "code":
    case "kbd":
    case "samp": {
      const raw = rawText(el).replace(/\s+/g, " ");
      const fence = raw.includes("`") ? "``" : "`";
      return raw.trim() ? wrap(raw, fence) : raw;
    }
    case "a": {
      const raw = inline(el.children, ctx);
      const href = absolute(el.attrs.href ?? "", ctx);
      return href === undefined || !raw.trim() ? raw : wrap(raw, "[", `](${href})`);
    }
    case "img": {
      const alt = (el.attrs.alt ?? "").replace(/\s+/g, " ").trim();
      const src = absolute(el.attrs.src ?? "", ctx);
      return alt && src ? `![${alt}](${src})` : alt;
    }
    default:
      return BLOCK.has(el.name) ? ` ${inline(el.children, ctx)} ` : inline(el.children, ctx);
  }
}

/** Collapses an inline run to one paragraph: single spaces, no spaces around line breaks. */
function tidy(run: string): string {
  return run
    .replace(/[ \t]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .trim();
}

/** Block-level Markdown for `nodes`, one string per block; consecutive inline content is a paragraph. */
function blocks(nodes: readonly HtmlNode[], ctx: Context): string[] {
  const out: string[] = [];
  let run = "";
  const flush = () => {
    const paragraph = tidy(run);
    if (paragraph) out.push(paragraph);
    run = "";
  };
  for (const node of nodes) {
    if (typeof node === "string") run += node.replace(/\s+/g, " ");
    else if (hidden(node)) continue;
    else if (BLOCK.has(node.name)) {
      flush();
      out.push(...block(node, ctx));
    } else run += inlineElement(node, ctx);
  }
  flush();
  return out;
}

function indentItem(marker: string, body: string): string {
  const pad = " ".repeat(marker.length);
  return body
    .split("\n")
    .map((line, i) => (i === 0 ? marker + line : line ? pad + line : line))
    .join("\n");
}

function list(el: HtmlElement, ctx: Context): string[] {
  const ordered = el.name === "ol";
  let n = Number.parseInt(el.attrs.start ?? "1", 10) || 1;
  const items: string[] = [];
  for (const child of el.children) {
    if (typeof child === "string" || hidden(child)) continue;
    // A list nested straight in a list (invalid, common) belongs to the previous item.
    const body = (child.name === "li" ? blocks(child.children, ctx) : block(child, ctx)).join("\n");
    if (child.name !== "li") {
      if (body) items.push(indentItem("  ", body));
      continue;
    }
    items.push(indentItem(ordered ? `${n++}. ` : "- ", body));
  }
  return items.length > 0 ? [items.join("\n")] : [];
}

function table(el: HtmlElement, ctx: Context): string[] {
  const rows: string[][] = [];
  const visit = (node: HtmlElement) => {
    for (const child of node.children) {
      if (typeof child === "string" || hidden(child)) continue;
      if (child.name === "tr") {
        const cells = child.children.filter(
          (c): c is HtmlElement => typeof c !== "string" && (c.name === "td" || c.name === "th"),
        );
        rows.push(cells.map((c) => tidy(inline(c.children, ctx)).replace(/\n/g, " ").replace(/\|/g, "\\|")));
      } else if (child.name !== "table") visit(child);
    }
  };
  visit(el);
  const width = Math.max(0, ...rows.map((r) => r.length));
  if (width === 0) return [];
  const line = (cells: string[]) =>
    `| ${Array.from({ length: width }, (_, i) => cells[i] ?? "").join(" | ")} |`;
  const [head = [], ...body] = rows;
  return [[line(head), line(Array(width).fill("---")), ...body.map(line)].join("\n")];
}

function block(el: HtmlElement, ctx: Context): string[] {
  const heading = /^h([1-6])$/.exec(el.name);
  if (heading) {
    const text = tidy(inline(el.children, ctx)).replace(/\n/g, " ");
    if (!text) return [];
    return [ctx.plain ? text : `${"#".repeat(Number(heading[1]))} ${text}`];
  }
  switch (el.name) {
    case "ul":
    case "ol":
    case "menu":
      return list(el, ctx);
    case "li":
      return [indentItem("- ", blocks(el.children, ctx).join("\n"))];
    case "hr":
      return ["---"];
    case "table":
      return table(el, ctx);
    case "pre": {
      const code = rawText(el).replace(/^\n/, "").replace(/\s+$/, "");
      const codeChild = el.children.find((c): c is HtmlElement => typeof c !== "string" && c.name === "code");
      const lang = /(?:^|\s)(?:language|lang)-([\w+#.-]+)/.exec(codeChild?.attrs.class ?? "")?.[1] ?? "";
      const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
      const fence = "`".repeat(longest + 1);
      if (!code) return [];
      return [ctx.plain ? code : `${fence}${lang}\n${code}\n${fence}`];
    }
    case "blockquote": {
      const inner = blocks(el.children, ctx).join("\n\n");
      if (!inner || ctx.plain) return inner ? [inner] : [];
      return [inner.replace(/^/gm, "> ").replace(/^> $/gm, ">")];
    }
    default:
      return blocks(el.children, ctx);
  }
}

/**
 * Markdown for an HTML document; relative links and images are resolved against `baseUrl`.
 * `plain` keeps the layout (paragraphs, list markers, table pipes) but drops the inline markup.
 */
export function htmlToMarkdown(html: string, options: { baseUrl?: string; plain?: boolean } = {}): string {
  const { baseUrl, plain = false } = options;
  const root = parseHtml(html);
  let base: URL | undefined;
  try {
    base = baseUrl === undefined ? undefined : new URL(baseUrl);
  } catch {
    base = undefined;
  }
  return blocks(root.children, { base, plain }).join("\n\n");
}
