/**
 * @module Content negotiation for response compression: which of the codings we produce (`br`,
 * `gzip`) an `Accept-Encoding` header asks for, with q-values, `identity` and `*` (RFC 9110 §12.5.3).
 */

/** The content codings this transport produces. */
export type ContentCoding = "br" | "gzip";

/** q-value of one entry; NaN when the entry's weight is malformed (the entry is then ignored). */
function weightOf(params: string): number {
  let at = params.indexOf(";");
  while (at !== -1) {
    const next = params.indexOf(";", at + 1);
    const param = params.slice(at + 1, next === -1 ? undefined : next).trim();
    if (param.length > 2 && (param[0] === "q" || param[0] === "Q") && param[1] === "=") {
      const q = Number(param.slice(2));
      return q >= 0 && q <= 1 ? q : Number.NaN;
    }
    at = next;
  }
  return 1;
}

/**
 * The coding to send, or undefined for identity. No header (or an empty one) means identity: a
 * client that says nothing may not decode anything. A coding not listed takes `*`'s weight, else it
 * is not acceptable. An explicit `identity` weight above the best coding's wins; ties go to `br`.
 */
function negotiate(header: string): ContentCoding | undefined {
  let br = -1;
  let gzip = -1;
  let identity = -1;
  let star = -1;
  for (const entry of header.split(",")) {
    const semi = entry.indexOf(";");
    const name = (semi === -1 ? entry : entry.slice(0, semi)).trim().toLowerCase();
    const q = semi === -1 ? 1 : weightOf(entry.slice(semi));
    if (Number.isNaN(q)) continue;
    if (name === "br") br = q;
    else if (name === "gzip" || name === "x-gzip") gzip = q;
    else if (name === "identity") identity = q;
    else if (name === "*") star = q;
  }
  const brQ = br === -1 ? Math.max(star, 0) : br;
  const gzipQ = gzip === -1 ? Math.max(star, 0) : gzip;
  const best: ContentCoding = brQ >= gzipQ ? "br" : "gzip";
  const bestQ = best === "br" ? brQ : gzipQ;
  if (bestQ <= 0 || identity > bestQ) return undefined;
  return best;
}

// Clients send the same header on every request: remembering the last answer skips the parse.
let lastHeader = "";
let lastCoding: ContentCoding | undefined;

export function preferredCoding(header: string | undefined): ContentCoding | undefined {
  if (header === undefined || header === "") return undefined;
  if (header !== lastHeader) {
    lastCoding = negotiate(header);
    lastHeader = header;
  }
  return lastCoding;
}
