/**
 * @module Writing one JSON body compressed. zlib's callback API runs the work on libuv's thread
 * pool, so a large reply never blocks the event loop (the *Sync functions would). The client may
 * leave meanwhile: the result is then dropped, never written after the response ended.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { brotliCompress, constants, gzip, type ZlibOptions } from "node:zlib";
import type { ContentCoding } from "./accept-encoding.js";
import type { TransportEvent } from "./transport-types.js";

// Quality 4 compresses JSON about as well as gzip -6 at a fraction of brotli's default (11) cost.
const BROTLI_QUALITY = 4;
const GZIP_OPTIONS: ZlibOptions = { level: 6 };

export function writeCompressed(
  res: ServerResponse,
  status: number,
  body: string,
  byteLength: number,
  coding: ContentCoding,
  headers: OutgoingHttpHeaders,
  onEvent: (event: TransportEvent) => void,
): void {
  const written = (error: Error | null, compressed: Buffer): void => {
    if (res.headersSent || res.writableEnded || res.destroyed) return;
    if (error !== null) {
      onEvent({ msg: "compression failed", coding, error: error.message });
      headers["content-length"] = byteLength;
      res.writeHead(status, headers);
      res.end(body);
      return;
    }
    headers["content-encoding"] = coding;
    headers["content-length"] = compressed.length;
    res.writeHead(status, headers);
    res.end(compressed);
  };
  if (coding === "br") {
    const params = {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: byteLength,
    };
    brotliCompress(body, { params }, written);
  } else gzip(body, GZIP_OPTIONS, written);
}
