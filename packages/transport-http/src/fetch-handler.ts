/**
 * @module The stateless 2026-07-28 endpoint as a fetch-style handler (`Request` in, `Response`
 * out) for serverless hosts: Cloudflare Workers, Deno Deploy, Bun, Vercel Edge, Node's own fetch
 * servers. It takes the same path into the protocol core as the express transport's modern POST
 * (modern-endpoint.ts): the same header checks, the same pooled sessions, the same statuses. No
 * express, no node built-ins at run time; legacy sessions need state across requests, which a
 * serverless function does not keep, so 2025-era requests are refused (see `statelessOnly`).
 */
import {
  claimsModernEra,
  decodeFrame,
  ErrorCode,
  failure,
  isModernVersion,
  type JsonObject,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcRequest,
  type McpServer,
  MODERN_PROTOCOL_VERSIONS,
} from "@mcp-runtime/protocol";
import { readWebBody } from "./fetch-body.js";
import { FetchReply, jsonResponse } from "./fetch-reply.js";
import { checkWebHeaders } from "./header-check.js";
import { HostGuard } from "./host-guard.js";
import { idempotencyCallKey } from "./idempotency-key.js";
import { envelopeRefusal, isModernMessage } from "./modern-era.js";
import { type ModernLease, ModernSessions } from "./modern-sessions.js";
import { modernStatus } from "./reply-status.js";
import { refuseToolCalls } from "./tool-grant.js";
import { carryTraceContext } from "./trace-context.js";
import { TRANSPORT_ERROR } from "./transport-constants.js";
import type { AuthOutcome, ToolGrant, TransportEvent } from "./transport-types.js";

export interface FetchHandlerOptions {
  /** Origins allowed besides the request's own host (exact `scheme://host[:port]`, or "*"). Default: none. */
  allowedOrigins?: readonly string[];
  /**
   * Host header values allowed (`name` for any port, or `name:port`). Default: any, as the express
   * transport does when bound to a public address: the platform's front already routed by host.
   */
  allowedHosts?: readonly string[];
  /** Largest accepted request body, in bytes; a larger one is answered 413. Default 4 MiB. */
  maxMessageBytes?: number;
  /** Authenticates a request; the subject reaches handlers and scopes sessions. Default: none. */
  authenticate?(request: Request): AuthOutcome | Promise<AuthOutcome>;
  /** Transport-level events worth logging (a request that failed unexpectedly). */
  onEvent?(event: TransportEvent): void;
}

/** Serves one HTTP request; never rejects (failures become JSON-RPC errors). */
export type FetchHandler = (request: Request) => Promise<Response>;

/** What every request of one handler shares; built once by the factory. */
interface FetchContext {
  readonly server: McpServer;
  readonly guard: HostGuard;
  readonly modern: ModernSessions;
  readonly maxMessageBytes: number;
  readonly authenticate: FetchHandlerOptions["authenticate"];
  readonly onEvent: (event: TransportEvent) => void;
}

const ALLOW_POST = { allow: "POST" };
/**
 * A serverless function may be reached from any network, and the platform fronts it: any Host goes
 * unless `allowedHosts` says otherwise, the Origin rules are those of a public bind.
 */
const PUBLIC_BIND = "0.0.0.0";

export function createFetchHandler(server: McpServer, options: FetchHandlerOptions = {}): FetchHandler {
  const maxMessageBytes = options.maxMessageBytes ?? 4 * 1024 * 1024;
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1)
    throw new TypeError('"maxMessageBytes" option must be a positive integer');
  const ctx: FetchContext = {
    server,
    guard: new HostGuard(PUBLIC_BIND, options.allowedHosts, options.allowedOrigins ?? []),
    modern: new ModernSessions(server),
    maxMessageBytes,
    authenticate: options.authenticate,
    onEvent: options.onEvent ?? (() => {}),
  };
  return (request) => serveSafely(ctx, request);
}

async function serveSafely(ctx: FetchContext, request: Request): Promise<Response> {
  try {
    return await serve(ctx, request);
  } catch (cause) {
    // Steps convert failures themselves; this is the last line of defence (never a stack on the wire).
    ctx.onEvent({ msg: "request failed", error: cause instanceof Error ? cause.message : String(cause) });
    return errorResponse(500, ErrorCode.InternalError, "Internal error");
  }
}

async function serve(ctx: FetchContext, request: Request): Promise<Response> {
  const headers = request.headers;
  // Some runtimes leave Host out of `headers`; the URL always names the host the client asked for.
  const host = headers.get("host") ?? new URL(request.url).host;
  const refused = ctx.guard.check(host, headers.get("origin") ?? undefined);
  if (refused !== null) return errorResponse(403, TRANSPORT_ERROR, `Forbidden: ${refused}`);
  // No GET stream and no DELETE (no sessions); OPTIONS too, as the express transport (no CORS).
  if (request.method !== "POST") return new Response(null, { status: 405, headers: ALLOW_POST });
  if (!isJson(headers.get("content-type"))) {
    return errorResponse(
      415,
      ErrorCode.InvalidRequest,
      "Unsupported Media Type: the body must be application/json",
    );
  }
  let subject: string | undefined;
  let grant: ToolGrant | undefined;
  if (ctx.authenticate !== undefined) {
    const outcome = await ctx.authenticate(request);
    if (!outcome.ok)
      return errorResponse(outcome.status, TRANSPORT_ERROR, outcome.message, null, outcome.headers);
    subject = outcome.subject;
    grant = outcome.grant;
  }
  const body = await readWebBody(request, ctx.maxMessageBytes);
  if (!body.ok) {
    if (body.status === 400) return errorResponse(400, ErrorCode.InvalidRequest, "Bad request body");
    const limit = ctx.maxMessageBytes;
    const message = `Request body too large: over the ${limit}-byte limit (maxMessageBytes)`;
    return jsonResponse(413, JSON.stringify(failure(null, ErrorCode.InvalidRequest, message, { limit })));
  }
  const frame = decodeFrame(body.text);
  // Malformed JSON is -32700, other invalid envelopes -32600; both HTTP 400, as in the express transport.
  if (frame.kind === "invalid") return jsonResponse(400, JSON.stringify(frame.error));
  const traceparent = headers.get("traceparent");
  if (traceparent !== null) carryTraceContext(frame, traceparent, headers.get("tracestate") ?? undefined);
  const toolRefusal = refuseToolCalls(frame, grant);
  if (toolRefusal !== undefined) {
    return errorResponse(toolRefusal.status, TRANSPORT_ERROR, toolRefusal.message, null, toolRefusal.headers);
  }
  const version = headers.get("mcp-protocol-version") ?? undefined;
  if (frame.kind === "batch") {
    if (version !== undefined && isModernVersion(version.trim())) {
      return errorResponse(
        400,
        ErrorCode.InvalidRequest,
        "Invalid Request: JSON-RPC batches are not supported by 2026-07-28",
      );
    }
    return statelessOnly(null);
  }
  const message = frame.message;
  const meta = "params" in message ? message.params?._meta : undefined;
  if (!isModernMessage(meta, version, headers.has("mcp-session-id"))) {
    return statelessOnly("id" in message ? (message.id as JsonRpcId) : null);
  }
  return serveModern(ctx, request, message, subject, grant);
}

/** A 2026-07-28 message: the same checks and dispatch as modern-endpoint.ts, answered as a Response. */
async function serveModern(
  ctx: FetchContext,
  request: Request,
  message: JsonRpcMessage,
  subject: string | undefined,
  grant: ToolGrant | undefined,
): Promise<Response> {
  if (!("method" in message)) {
    // Spec §5.1: the body is a request or a notification, never a response (no server→client requests).
    return errorResponse(
      400,
      ErrorCode.InvalidRequest,
      "Invalid Request: responses are not accepted",
      message.id,
    );
  }
  const headers = request.headers;
  const id = "id" in message ? (message as JsonRpcRequest).id : null;
  const mismatch = checkWebHeaders(headers, message, ctx.server.catalog);
  if (mismatch !== null) return errorResponse(400, ErrorCode.HeaderMismatch, mismatch, id);
  if (!claimsModernEra(message.params?._meta as JsonObject | undefined)) {
    const refusal = envelopeRefusal(message.method, headers.get("mcp-protocol-version") ?? undefined, id);
    return jsonResponse(refusal.status, refusal.body);
  }
  if (id === null) {
    await ctx.modern.sessionFor(subject, grant).handle(message);
    return new Response(null, { status: 202 });
  }
  const idempotency = idempotencyCallKey(headers.get("idempotency-key") ?? undefined, subject);
  if (idempotency !== undefined && "error" in idempotency) {
    return errorResponse(400, ErrorCode.InvalidRequest, `Bad Request: ${idempotency.error}`, id);
  }
  const lease = ctx.modern.acquire(subject, id, grant);
  const reply = new FetchReply(lease.session, id, request.signal);
  if (idempotency !== undefined) reply.callKey = idempotency.key;
  void run(ctx, lease, message as JsonRpcRequest, reply, subject, grant);
  return reply.response;
}

/** Runs the call; its answer settles `reply.response` (or ends the SSE stream it became). */
async function run(
  ctx: FetchContext,
  lease: ModernLease,
  request: JsonRpcRequest,
  reply: FetchReply,
  subject: string | undefined,
  grant: ToolGrant | undefined,
): Promise<void> {
  try {
    const response = await lease.session.handle(request, reply);
    if (response !== undefined) reply.finish(response, modernStatus(response));
    else if (!reply.done) {
      // Cancelled while the client still waits (a `notifications/cancelled` POSTed for this id).
      reply.finish(failure(request.id, ErrorCode.RequestCancelled, "Request cancelled"), 400);
    }
  } catch (cause) {
    // `handle` answers failures itself; this guards a channel that threw.
    ctx.onEvent({ msg: "request failed", error: cause instanceof Error ? cause.message : String(cause) });
    reply.finish(failure(request.id, ErrorCode.InternalError, "Internal error"), 500);
  } finally {
    ctx.modern.release(lease, subject, request.id, grant);
  }
}

/**
 * A 2025-era message (`initialize`, a request with `Mcp-Session-Id` and no 2026-07-28 envelope, a
 * batch, or a 2025-era version header). Those revisions keep a session between requests, and a
 * serverless function keeps nothing, so this endpoint serves 2026-07-28 only. The answer is what
 * 2026-07-28 gives any version it does not speak: -32022 (UnsupportedProtocolVersion) with
 * `data.supported`, HTTP 400. A negotiating client (SDK v2 `auto`) reads the list and speaks
 * 2026-07-28; a 2025-only client fails at connect with a message that says why, rather than
 * getting a session that would be forgotten on the next request.
 */
function statelessOnly(id: JsonRpcId | null): Response {
  const reply = failure(
    id,
    ErrorCode.UnsupportedProtocolVersion,
    "Unsupported protocol version: this endpoint is stateless and serves 2026-07-28 only; 2025-era sessions (initialize, Mcp-Session-Id) are not available here",
    { supported: MODERN_PROTOCOL_VERSIONS },
  );
  return jsonResponse(400, JSON.stringify(reply));
}

function errorResponse(
  status: number,
  code: number,
  message: string,
  id: JsonRpcId | null = null,
  extra?: Record<string, string>,
): Response {
  return jsonResponse(status, JSON.stringify(failure(id, code, message)), extra);
}

/** `application/json`, with or without parameters (`; charset=utf-8`), in any case. */
function isJson(contentType: string | null): boolean {
  if (contentType === null) return false;
  const type = contentType.trimStart().slice(0, 16).toLowerCase();
  if (type !== "application/json") return false;
  const next = contentType.trimStart().charAt(16);
  return next === "" || next === ";" || next === " " || next === "\t";
}
