/**
 * @module Client disconnects. A 2026-07-28 client cancels a request by closing its response stream
 * (spec §5.1), and a stateless 2025-era request has nobody left to answer. One listener function
 * serves every response (its state rides on the response object), so no closure per request.
 */
import type { ServerResponse } from "node:http";
import type { JsonRpcId, ServerSession } from "@mcp-runtime/protocol";
import type { ReplyStream } from "./reply-stream.js";

const CALL = Symbol("mcp.call");

interface CallState {
  reply: ReplyStream;
  session: ServerSession;
  /** the request to cancel; undefined closes the whole (throwaway) session */
  requestId: JsonRpcId | undefined;
}

type TrackedResponse = ServerResponse & { [CALL]?: CallState };

function onClose(this: TrackedResponse): void {
  const state = this[CALL];
  if (state === undefined) return;
  this[CALL] = undefined;
  if (state.reply.done) return;
  state.reply.detach(this);
  if (state.requestId === undefined) state.session.close("client closed the connection");
  else state.session.cancel(state.requestId, "client closed the stream");
}

export function cancelOnClose(
  res: ServerResponse,
  reply: ReplyStream,
  session: ServerSession,
  requestId: JsonRpcId | undefined,
): void {
  (res as TrackedResponse)[CALL] = { reply, session, requestId };
  res.once("close", onClose);
}
