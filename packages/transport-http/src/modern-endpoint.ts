/**
 * @module POST of a 2026-07-28 request: headers checked against the body, then one call into the
 * shared stateless session with this request's own channel. JSON reply unless the call streamed
 * progress or logs first; `subscriptions/listen` stays open as SSE until the client closes it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  claimsModernEra,
  ErrorCode,
  isModernVersion,
  type JsonRpcMessage,
  type JsonRpcRequest,
  MetaKey,
  SUPPORTED_PROTOCOL_VERSIONS,
  success,
} from "@mcp-runtime/protocol";
import { cancelOnClose } from "./cancel-on-close.js";
import { type EndpointContext, TRANSPORT_ERROR } from "./context.js";
import { checkModernHeaders } from "./header-check.js";
import { modernStatus, writeStatus } from "./http-replies.js";
import { idempotencyCallKey } from "./idempotency-key.js";
import type { ToolGrant } from "./options.js";
import { ReplyStream } from "./reply-stream.js";

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
    refuseWithoutEnvelope(ctx, res, message.method, req.headers["mcp-protocol-version"], id);
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

/** A request that sent modern headers but no `_meta` envelope. */
function refuseWithoutEnvelope(
  ctx: EndpointContext,
  res: ServerResponse,
  method: string,
  header: string | string[] | undefined,
  id: JsonRpcRequest["id"] | null,
): void {
  const version = typeof header === "string" ? header.trim() : "";
  if (!isModernVersion(version)) {
    ctx.replies.error(res, 400, ErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version", id);
    return;
  }
  if (method === "initialize" || method === "ping") {
    // Removed in 2026-07-28 (spec §8.5/8.6); name the versions we serve so a legacy client can retry.
    ctx.replies.json(
      res,
      404,
      JSON.stringify({
        jsonrpc: "2.0",
        id,
        error: {
          code: ErrorCode.MethodNotFound,
          message: `Method not found: ${method} (not part of 2026-07-28; sessions are served without MCP-Protocol-Version: 2026-07-28)`,
          data: { supported: SUPPORTED_PROTOCOL_VERSIONS },
        },
      }),
    );
    return;
  }
  ctx.replies.error(
    res,
    400,
    ErrorCode.InvalidParams,
    `Invalid params: missing params._meta["${MetaKey.protocolVersion}"]`,
    id,
  );
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
