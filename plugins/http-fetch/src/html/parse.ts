/**
 * @module A forgiving HTML parser into a small element tree: enough of the HTML spec's tree rules
 * (void elements, raw-text elements, implied `</p>`, `</li>`, `</td>` ...) for readable pages,
 * without a dependency. Malformed input never throws: stray end tags are ignored.
 */
import { decodeEntities } from "./entities.js";

export interface HtmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: HtmlNode[];
}
export type HtmlNode = HtmlElement | string;

const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);
/** Content up to the matching end tag is text, not markup. */
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "noscript", "iframe", "noembed"]);
/** Starting one of these closes an open `<p>` (HTML spec 13.2.6.4.7). */
const CLOSES_P = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "details",
  "div",
  "dl",
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
  "hr",
  "main",
  "menu",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "ul",
]);
/** A start tag of the key closes an open element of the listed names, up to the listed boundary. */
const IMPLIED_END: Readonly<Record<string, { close: readonly string[]; boundary: readonly string[] }>> = {
  li: { close: ["li"], boundary: ["ul", "ol", "menu"] },
  dt: { close: ["dt", "dd"], boundary: ["dl"] },
  dd: { close: ["dt", "dd"], boundary: ["dl"] },
  tr: { close: ["tr", "td", "th"], boundary: ["table", "thead", "tbody", "tfoot"] },
  td: { close: ["td", "th"], boundary: ["tr", "table"] },
  th: { close: ["td", "th"], boundary: ["tr", "table"] },
  option: { close: ["option"], boundary: ["select", "datalist"] },
};

const START_TAG = /<([A-Za-z][^\s/>]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/y;
const END_TAG = /<\/([A-Za-z][^\s/>]*)[^>]*>/y;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const rawTextEnd = new Map<string, RegExp>();

function parseAttributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of source.matchAll(ATTRIBUTE)) {
    const name = (m[1] ?? "").toLowerCase();
    if (!(name in attrs)) attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return attrs;
}

export function parseHtml(html: string): HtmlElement {
  const root: HtmlElement = { name: "#document", attrs: {}, children: [] };
  const stack: HtmlElement[] = [root];
  const top = () => stack[stack.length - 1] ?? root;
  const text = (value: string) => {
    if (value) top().children.push(decodeEntities(value));
  };
  const popTo = (index: number) => {
    if (index > 0) stack.length = index;
  };
  const closeImplied = (name: string) => {
    if (CLOSES_P.has(name)) {
      const p = stack.findLastIndex((e) => e.name === "p");
      const blocker = stack.findLastIndex((e) => ["button", "table", "li", "td", "th"].includes(e.name));
      if (p > blocker) popTo(p);
    }
    const rule = IMPLIED_END[name];
    if (rule === undefined) return;
    for (let i = stack.length - 1; i > 0; i--) {
      const open = stack[i]?.name ?? "";
      if (rule.boundary.includes(open)) return;
      if (rule.close.includes(open)) return popTo(i);
    }
  };

  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf("<", at);
    if (lt === -1) {
      text(html.slice(at));
      break;
    }
    text(html.slice(at, lt));
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4);
      at = end === -1 ? html.length : end + 3;
      continue;
    }
    if (html[lt + 1] === "!" || html[lt + 1] === "?") {
      const end = html.indexOf(">", lt);
      at = end === -1 ? html.length : end + 1;
      continue;
    }
    END_TAG.lastIndex = lt;
    const end = END_TAG.exec(html);
    if (end) {
      const name = (end[1] ?? "").toLowerCase();
      popTo(stack.findLastIndex((e) => e.name === name));
      at = END_TAG.lastIndex;
      continue;
    }
    START_TAG.lastIndex = lt;
    const start = START_TAG.exec(html);
    if (!start) {
      text("<");
      at = lt + 1;
      continue;
    }
    at = START_TAG.lastIndex;
    const name = (start[1] ?? "").toLowerCase();
    closeImplied(name);
    const element: HtmlElement = { name, attrs: parseAttributes(start[2] ?? ""), children: [] };
    top().children.push(element);
    if (VOID.has(name) || (start[2] ?? "").trimEnd().endsWith("/")) continue;
    if (RAW_TEXT.has(name)) {
      let closer = rawTextEnd.get(name);
      if (closer === undefined) {
        closer = new RegExp(`</${name}[\\s/>]`, "gi");
        rawTextEnd.set(name, closer);
      }
      closer.lastIndex = at;
      const found = closer.exec(html);
      const stop = found ? found.index : html.length;
      const content = html.slice(at, stop);
      if (content)
        element.children.push(name === "title" || name === "textarea" ? decodeEntities(content) : content);
      const close = found ? html.indexOf(">", stop) : -1;
      at = close === -1 ? html.length : close + 1;
      continue;
    }
    stack.push(element);
  }
  return root;
}
