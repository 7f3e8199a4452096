/**
 * @module POST of a 2026-07-28 request: headers checked against the body, then one call into the
 * shared stateless session with this request's own channel. JSON reply unless the call streamed
 * progress or logs first; `subscriptions/listen` stays open as SSE until the client closes it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  claimsModernEra,
  ErrorCode,
  type JsonRpcMessage,
  type JsonRpcRequest,
  MetaKey,
  success,
} from "@mcp-runtime/protocol";
import { cancelOnClose } from "./cancel-on-close.js";
import type { EndpointContext } from "./context.js";
import { checkModernHeaders } from "./header-check.js";
import { writeStatus } from "./http-replies.js";
import { idempotencyCallKey } from "./idempotency-key.js";
import { envelopeRefusal } from "./modern-era.js";
import { modernStatus } from "./reply-status.js";
import { ReplyStream } from "./reply-stream.js";
import { TRANSPORT_ERROR } from "./transport-constants.js";
import type { ToolGrant } from "./transport-types.js";

export async function handleModernPost(
  ctx: EndpointContext,
  req: IncomingMessage,
  res: ServerResponse,
  message: JsonRpcMessage,
  subject: string | undefined,
  grant?: ToolGrant,
): Promise<void> {
  if (!("method" in message)) {
    // Spec §5.1: the body is a request or a notification, never a response (no server→client requests).
    ctx.replies.error(
      res,
      400,
      ErrorCode.InvalidRequest,
      "Invalid Request: responses are not accepted",
      message.id,
    );
    return;
  }
  const id = "id" in message ? (message as JsonRpcRequest).id : null;
  const mismatch = checkModernHeaders(req.headers, message, ctx.server.catalog);
  if (mismatch !== null) {
    ctx.replies.error(res, 400, ErrorCode.HeaderMismatch, mismatch, id);
    return;
  }
  if (!claimsModernEra(message.params?._meta as Record<string, unknown> | undefined)) {
    const refusal = envelopeRefusal(message.method, req.headers["mcp-protocol-version"], id);
    ctx.replies.json(res, refusal.status, refusal.body);
    return;
  }
  if (id === null) {
    await ctx.modern.sessionFor(subject, grant).handle(message);
    writeStatus(res, 202);
    return;
  }
  const request = message as JsonRpcRequest;
  if (request.method === "subscriptions/listen") {
    await serveListen(ctx, res, request, subject, grant);
    return;
  }
  const idempotency = idempotencyCallKey(req.headers["idempotency-key"], subject);
  if (idempotency !== undefined && "error" in idempotency) {
    ctx.replies.error(res, 400, ErrorCode.InvalidRequest, `Bad Request: ${idempotency.error}`, id);
    return;
  }
  const lease = ctx.modern.acquire(subject, id, grant);
  const reply = new ReplyStream(res, ctx);
  if (idempotency !== undefined) reply.callKey = idempotency.key;
  cancelOnClose(res, reply, lease.session, id);
  ctx.lifecycle.begin();
  try {
    const response = await lease.session.handle(request, reply);
    if (response !== undefined) reply.finish(response, modernStatus(response));
    else if (!reply.done && !res.writableEnded && !res.destroyed) {
      // Cancelled without the client leaving: the server is shutting down.
      reply.done = true;
      ctx.replies.error(res, 503, TRANSPORT_ERROR, "Server is shutting down", id, { connection: "close" });
    }
  } finally {
    ctx.modern.release(lease, subject, id, grant);
    ctx.lifecycle.end();
  }
}

/** `subscriptions/listen`: an SSE stream open until the client closes it or the server drains. */
async function serveListen(
  ctx: EndpointContext,
  res: ServerResponse,
  request: JsonRpcRequest,
  subject: string | undefined,
  grant: ToolGrant | undefined,
): Promise<void> {
  const lease = ctx.modern.acquire(subject, request.id, grant);
  // The SSE stream starts with the acknowledgement; a refused listen is a plain JSON error.
  const reply = new ReplyStream(res, ctx);
  cancelOnClose(res, reply, lease.session, request.id);
  const stream = {
    end: () => {
      // Server-initiated end (spec §5.3): the listen result, then close.
      reply.finish(
        success(request.id, {
          resultType: "complete",
          _meta: { [MetaKey.subscriptionId]: request.id, ...ctx.server.resultMeta },
        }),
        200,
      );
      lease.session.cancel(request.id, "server shutting down");
    },
  };
  ctx.lifecycle.addLongStream(stream);
  try {
    const response = await lease.session.handle(request, reply);
    reply.finish(response, response === undefined ? 200 : modernStatus(response));
  } finally {
    ctx.lifecycle.removeLongStream(stream);
    ctx.modern.release(lease, subject, request.id, grant);
  }
}
