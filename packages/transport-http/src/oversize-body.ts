/**
 * @module Request bodies over the message limit (`server.maxMessageBytes`). The rest of such a body
 * is read and thrown away, up to a discard bound, before the 413 is written: closing the socket
 * while a client is still sending makes fetch-based clients (undici, the SDKs) fail with EPIPE or
 * ECONNRESET instead of reading the answer (issue 18: 2 of 3 tries at 80 MB), and a drained
 * connection stays usable for keep-alive. Past the bound the 413 goes out with `Connection: close`:
 * draining is a cost the server pays on the client's behalf, so it is capped.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ErrorCode, failure } from "@mcp-runtime/protocol";
import { CLOSE_CONNECTION, type JsonReplies } from "./http-replies.js";
import { type BodyOutcome, readBody } from "./read-body.js";
import type { TransportEvent } from "./transport-types.js";

/** What a refusal needs of the app (the endpoint context has it). */
export interface BodyRefusalContext {
  readonly replies: JsonReplies;
  readonly options: { readonly maxMessageBytes: number; onEvent(event: TransportEvent): void };
}

/** `ok: false` outcomes; a 413 says whether the connection may be kept (the body was drained). */
export type BoundedBody =
  | Extract<BodyOutcome, { ok: true }>
  | { ok: false; status: 400 }
  | { ok: false; status: 413; drained: boolean };

/**
 * Default discard bound: 128 MiB, or 4x the limit if that is larger. 128 MiB is past the 80 MB that
 * issue 18 saw fail; on loopback it drains in well under a second.
 */
export function defaultDiscardBytes(maxMessageBytes: number): number {
  return Math.max(4 * maxMessageBytes, 128 * 1024 * 1024);
}

export async function readBoundedBody(
  request: IncomingMessage,
  maxMessageBytes: number,
  maxDiscardBytes: number,
): Promise<BoundedBody> {
  const body = await readBody(request, maxMessageBytes);
  if (body.ok) return body;
  if (body.status === 400) return { ok: false, status: 400 };
  return { ok: false, status: 413, drained: await discardRest(request, maxDiscardBytes) };
}

/** Reads and drops what is left of the body; false when it is past `bound` or the client went away. */
function discardRest(request: IncomingMessage, bound: number): Promise<boolean> {
  if (request.complete) return Promise.resolve(true);
  const declared = Number(request.headers["content-length"]);
  if (declared > bound) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > bound) settle(false);
    };
    const settle = (drained: boolean) => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onGone);
      request.off("close", onClose);
      resolve(drained);
    };
    const onEnd = () => settle(true);
    const onGone = () => settle(false);
    const onClose = () => settle(request.complete);
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onGone);
    request.on("close", onClose);
    request.resume();
  });
}

/**
 * Answers a body that could not be read: 413 with -32600 naming the limit and `server.maxMessageBytes`
 * (kept alive when the body was drained), or 400 with `badBodyCode` (the stream failed: close).
 */
export function refuseBody(
  ctx: BodyRefusalContext,
  res: ServerResponse,
  body: Exclude<BoundedBody, { ok: true }>,
  badBodyCode: number,
): void {
  if (body.status === 400) {
    ctx.replies.error(res, 400, badBodyCode, "Bad request body", null, CLOSE_CONNECTION);
    return;
  }
  const limit = ctx.options.maxMessageBytes;
  ctx.options.onEvent({ msg: "oversize body refused", limit, drained: body.drained });
  const message = `Request body too large: over the ${limit}-byte limit (server.maxMessageBytes)`;
  const reply = failure(null, ErrorCode.InvalidRequest, message, {
    limit,
    configKey: "server.maxMessageBytes",
  });
  ctx.replies.json(res, 413, JSON.stringify(reply), body.drained ? undefined : CLOSE_CONNECTION);
}
