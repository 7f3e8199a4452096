/**
 * @module An HTML page parsed the way browsers do (parse5, via hast-util-from-html: implied end
 * tags, entity decoding, raw-text `script`/`style`, CDATA and comments) and cleaned for reading:
 * non-content removed, URLs made absolute, the title taken out.
 */
import type { Element, ElementContent, Root, RootContent } from "hast";
import { fromHtml } from "hast-util-from-html";

/** Elements whose content is never page text (code, styling, chrome, controls, embedded media). */
const DROP = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "nav",
  "svg",
  "math",
  "iframe",
  "canvas",
  "object",
  "embed",
  "select",
  "button",
  "input",
  "textarea",
]);
/** Properties holding a URL (hast names) that a reader may follow. */
const URL_PROPERTIES = ["href", "src", "poster", "cite"] as const;
/** Schemes a link may not carry into the output: scripts run, `data:` is bulk, not a place. */
const UNSAFE_SCHEME = /^\s*(?:javascript|vbscript|data):/i;

export interface HtmlDocument {
  /** the tree, with dropped parts removed and every URL absolute (or removed when unusable) */
  readonly tree: Root;
  /** `<title>` text, whitespace collapsed; undefined when the page has none or it is empty */
  readonly title: string | undefined;
}

function textOf(node: Element | Root): string {
  let out = "";
  for (const child of node.children) {
    if (child.type === "text") out += child.value;
    else if (child.type === "element") out += textOf(child);
  }
  return out;
}

/** Depth-first, document order; stops at the first element `match` accepts. */
function find(node: Element | Root, match: (el: Element) => boolean): Element | undefined {
  for (const child of node.children) {
    if (child.type !== "element") continue;
    if (match(child)) return child;
    const inner = find(child, match);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

function hidden(el: Element): boolean {
  // hast maps `hidden` to a boolean and `aria-hidden` to the booleanish `ariaHidden`.
  return DROP.has(el.tagName) || el.properties.hidden === true || String(el.properties.ariaHidden) === "true";
}

function resolveUrls(el: Element, base: URL | undefined): void {
  for (const key of URL_PROPERTIES) {
    const value = el.properties[key];
    if (typeof value !== "string") continue;
    // A fragment-only href points inside the page the reader already has: keep only the text.
    const unusable =
      value.trim() === "" || UNSAFE_SCHEME.test(value) || (key === "href" && value.startsWith("#"));
    let absolute: string | undefined;
    if (!unusable) {
      try {
        absolute = new URL(value, base).href;
      } catch {
        absolute = undefined; // relative with no base, or malformed: nothing to point at
      }
    }
    if (absolute === undefined) delete el.properties[key];
    else el.properties[key] = absolute;
  }
}

function clean<T extends Element | Root>(node: T, base: URL | undefined): T {
  const kept: (RootContent | ElementContent)[] = [];
  for (const child of node.children) {
    if (child.type === "comment" || child.type === "doctype") continue;
    // Source positions are never shown, and hast-util-to-mdast deep-clones the tree: dropping
    // them here cut its time by a quarter on a 1 MB page.
    delete child.position;
    if (child.type === "element") {
      // `<head>` holds no reading content; the title is taken out before this runs.
      if (hidden(child) || child.tagName === "head" || child.tagName === "base") continue;
      resolveUrls(child, base);
      // `<template>` content lives in `content`, not `children`, and is dropped above.
      clean(child, base);
    }
    kept.push(child);
  }
  // Root and Element differ only in which child types they admit; the filter keeps each node's own.
  node.children = kept as T["children"];
  return node;
}

/**
 * Parses `html` and cleans the tree for conversion. Relative URLs resolve against the page's own
 * `<base href>` (itself relative to `pageUrl`), else against `pageUrl`, as a browser would.
 */
export function parseHtmlDocument(html: string, pageUrl?: string): HtmlDocument {
  const tree = fromHtml(html);
  let base: URL | undefined;
  try {
    base = pageUrl === undefined ? undefined : new URL(pageUrl);
  } catch {
    base = undefined;
  }
  const baseHref = find(tree, (el) => el.tagName === "base" && typeof el.properties.href === "string")
    ?.properties.href;
  if (typeof baseHref === "string") {
    try {
      base = new URL(baseHref, base);
    } catch {
      // an unusable <base> is ignored, as browsers do
    }
  }
  const titleElement = find(tree, (el) => el.tagName === "title");
  const title = titleElement === undefined ? "" : textOf(titleElement).replace(/\s+/g, " ").trim();
  return { tree: clean(tree, base), title: title === "" ? undefined : title };
}
