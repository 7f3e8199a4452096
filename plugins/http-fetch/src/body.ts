/**
 * @module A fetched body: read at most `maxBytes` (cancelling the rest), classify it by content
 * type (HTML, JSON, text or binary, sniffing when the server sent none), decode its charset.
 */

export type BodyKind = "html" | "json" | "text" | "binary";

export interface CappedBody {
  bytes: Uint8Array;
  truncated: boolean;
}

/**
 * Reads the body as a stream and stops at `maxBytes`, so a body that arrives as a stream is never
 * held whole. A cut inside a UTF-8 sequence is moved back to the sequence start.
 */
export async function readCapped(response: Response, maxBytes: number): Promise<CappedBody> {
  if (response.body === null) return { bytes: new Uint8Array(0), truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.length > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - size));
      size = maxBytes;
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    size += value.length;
  }
  const bytes = Buffer.concat(chunks, size);
  return { bytes: truncated ? bytes.subarray(0, utf8Boundary(bytes)) : bytes, truncated };
}

/** Length of `bytes` without a trailing incomplete UTF-8 sequence. */
function utf8Boundary(bytes: Uint8Array): number {
  let lead = bytes.length - 1;
  while (lead >= 0 && lead > bytes.length - 4 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead--;
  if (lead < 0) return bytes.length;
  const first = bytes[lead] ?? 0;
  const length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return lead + length > bytes.length ? lead : bytes.length;
}

const TEXT_TYPES = new Set([
  "application/xml",
  "application/javascript",
  "application/x-javascript",
  "application/ecmascript",
  "application/x-www-form-urlencoded",
  "application/yaml",
  "application/x-yaml",
  "application/toml",
  "application/graphql",
  "application/x-sh",
  "application/sql",
]);

/** The media type without parameters, lower-cased ("" when the server sent none). */
export function mediaType(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

export function classify(contentType: string, bytes: Uint8Array): BodyKind {
  const type = mediaType(contentType);
  if (type === "text/html" || type === "application/xhtml+xml") return "html";
  if (type === "application/json" || type === "text/json" || type.endsWith("+json")) return "json";
  if (type.startsWith("text/") || type.endsWith("+xml") || TEXT_TYPES.has(type)) return "text";
  if (type !== "") return "binary";
  // No content type: sniff (WHATWG MIME sniffing, simplified): a NUL byte means binary.
  const head = bytes.subarray(0, 1024);
  if (head.includes(0)) return "binary";
  const start = new TextDecoder().decode(head).trimStart().slice(0, 64).toLowerCase();
  if (start.startsWith("<!doctype html") || start.startsWith("<html")) return "html";
  if (start.startsWith("{") || start.startsWith("[")) return "json";
  return "text";
}

/** Decodes with the charset the server named, UTF-8 when it named none or one Node lacks. */
export function decode(contentType: string, bytes: Uint8Array): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  if (charset !== undefined) {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      // unknown label: fall through to UTF-8
    }
  }
  return new TextDecoder().decode(bytes);
}
