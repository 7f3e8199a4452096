/** @module Content sniffing for reads: a MIME type from the file extension, and a binary test. */
import { extname } from "node:path";

const MIME_BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  [".txt", "text/plain"],
  [".md", "text/markdown"],
  [".json", "application/json"],
  [".ts", "text/x-typescript"],
  [".js", "text/javascript"],
  [".yaml", "application/yaml"],
  [".yml", "application/yaml"],
  [".html", "text/html"],
  [".csv", "text/csv"],
]);

export const FALLBACK_MIME_TYPE = "application/octet-stream";

export function mimeTypeFor(path: string): string {
  return MIME_BY_EXTENSION.get(extname(path).toLowerCase()) ?? FALLBACK_MIME_TYPE;
}

// Same heuristic as git and grep: a NUL byte in the first 8 KiB means binary. UTF-8 text never
// contains NUL, and UTF-16 text (which does) is better handed over as bytes anyway.
const SNIFF_BYTES = 8 * 1024;

export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, SNIFF_BYTES).includes(0);
}
