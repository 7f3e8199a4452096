/**
 * @module Reads a web `Request` body with a byte limit: a declared `Content-Length` over the limit
 * is refused without reading, and a streamed body is refused as soon as it passes the limit (the
 * rest is cancelled, not buffered). Serverless hosts buffer or drain the connection themselves, so
 * nothing is drained here, unlike the node transport's oversize-body.ts.
 */
import type { BodyOutcome } from "./read-body.js";

const UTF8 = new TextDecoder();

export async function readWebBody(request: Request, limit: number): Promise<BodyOutcome> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return { ok: false, status: 413 };
  const body = request.body;
  if (body === null) return { ok: true, text: "" };
  const reader = body.getReader();
  let first: Uint8Array | undefined;
  let chunks: Uint8Array[] | undefined;
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(ignore);
        return { ok: false, status: 413 };
      }
      if (first === undefined) first = value;
      else if (chunks === undefined) chunks = [first, value];
      else chunks.push(value);
    }
  } catch {
    return { ok: false, status: 400 };
  }
  if (first === undefined) return { ok: true, text: "" };
  if (chunks === undefined) return { ok: true, text: UTF8.decode(first) };
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, text: UTF8.decode(joined) };
}

function ignore(): void {}
