/**
 * @module Reads a request body from the raw stream with a byte limit, instead of generic body
 * middleware: one Buffer (no copy for single-chunk bodies), and an oversize body is refused as soon
 * as its declared or received length passes the limit, without buffering the rest.
 */
import type { IncomingMessage } from "node:http";

export type BodyOutcome = { ok: true; text: string } | { ok: false; status: 413 | 400 };

export function readBody(request: IncomingMessage, limit: number): Promise<BodyOutcome> {
  const declared = request.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.resolve({ ok: false, status: 413 });
  }
  return new Promise((resolve) => {
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        resolve({ ok: false, status: 413 });
        return;
      }
      if (first === undefined) first = chunk;
      else if (chunks === undefined) chunks = [first, chunk];
      else chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      const body = chunks ? Buffer.concat(chunks, size) : first;
      resolve({ ok: true, text: body === undefined ? "" : body.toString("utf8") });
    };
    const onError = () => {
      cleanup();
      resolve({ ok: false, status: 400 });
    };
    const cleanup = () => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
    };
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onError);
  });
}
