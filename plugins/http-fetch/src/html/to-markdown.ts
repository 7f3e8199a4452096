/**
 * @module HTML → Markdown (or plain text) for a model to read: the cleaned hast tree (document.ts)
 * through hast-util-to-mdast, then mdast-util-to-markdown with GFM tables and strikethrough.
 */
import type { Element } from "hast";
import { defaultHandlers as hastHandlers, type State, toMdast } from "hast-util-to-mdast";
import type { Root as MdastRoot, Nodes } from "mdast";
import { gfmToMarkdown } from "mdast-util-gfm";
import { defaultHandlers as markdownHandlers, type Options, toMarkdown } from "mdast-util-to-markdown";
import { parseHtmlDocument } from "./document.js";
import { tidyPhrasing } from "./tidy-phrasing.js";
import { mdastToText } from "./to-text.js";

export interface HtmlConversion {
  /** the page as Markdown, or as plain text when asked for */
  readonly text: string;
  /** the page's `<title>`, when it has one */
  readonly title: string | undefined;
}

export interface HtmlConversionOptions {
  /** the URL the page was fetched from (after redirects): relative links resolve against it */
  readonly baseUrl?: string;
  /** plain text: the same blocks and list markers, no Markdown markup */
  readonly plain?: boolean;
}

/**
 * CommonMark only decodes `&name;` / `&#n;` with the semicolon, so `&` needs a backslash only
 * there. The default rule escapes any `&` before a letter, which turns `?a=1&b=2` into
 * `?a=1\&b=2`: a URL a model then copies with the backslash in it.
 */
const AMPERSAND = {
  character: "&",
  after: "(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});",
};

const markdownOptions: Options = {
  bullet: "-",
  fences: true,
  rule: "-",
  unsafe: [AMPERSAND],
  // GFM: tables (cells not padded to align: padding costs tokens and says nothing), strikethrough.
  extensions: [gfmToMarkdown({ tablePipeAlign: false })],
  handlers: {
    // Swaps the default `&` rule for the narrower one above; `state.unsafe` is built per call.
    root(node, parent, state, info) {
      state.unsafe = state.unsafe.filter((rule) => rule.character !== "&" || rule === AMPERSAND);
      return markdownHandlers.root(node, parent, state, info);
    },
  },
};

/** A link that lost its URL (fragment-only, `javascript:`, …) in document.ts is only its text. */
function anchor(state: State, node: Element) {
  return typeof node.properties.href === "string" ? hastHandlers.a(state, node) : state.all(node);
}

/** An image without a usable `src` is its alt text, or nothing. */
function image(state: State, node: Element) {
  if (typeof node.properties.src === "string") return hastHandlers.img(state, node);
  const alt = typeof node.properties.alt === "string" ? node.properties.alt.trim() : "";
  return alt === "" ? undefined : { type: "text" as const, value: alt };
}

function hasTopHeading(node: Nodes): boolean {
  if (node.type === "heading") return node.depth === 1;
  return "children" in node && node.children.some(hasTopHeading);
}

/**
 * Converts a page. The `<title>` leads the text as a level-1 heading when the body has none of
 * its own (pages with an `<h1>` usually repeat the title there, with less site chrome).
 */
export function convertHtml(html: string, options: HtmlConversionOptions = {}): HtmlConversion {
  const { tree, title } = parseHtmlDocument(html, options.baseUrl);
  // A hast root always converts to an mdast root (hast-util-to-mdast's `root` handler).
  const mdast = toMdast(tree, { handlers: { a: anchor, img: image } }) as MdastRoot;
  tidyPhrasing(mdast);
  if (title !== undefined && !hasTopHeading(mdast))
    mdast.children.unshift({ type: "heading", depth: 1, children: [{ type: "text", value: title }] });
  const text = options.plain ? mdastToText(mdast) : toMarkdown(mdast, markdownOptions).trimEnd();
  return { text, title };
}

/** Markdown (or plain text) for an HTML document; relative links and images resolve against `baseUrl`. */
export function htmlToMarkdown(html: string, options: HtmlConversionOptions = {}): string {
  return convertHtml(html, options).text;
}
