/**
 * @module The express app: one dispatch function for the MCP endpoint, the legacy SSE endpoints
 * and health checks. Express stays thin: a single middleware, node's own request/response APIs,
 * no body-parsing middleware (bodies are read from the raw stream with a byte limit).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { decodeFrame, ErrorCode, isModernVersion, type McpServer } from "@mcp-runtime/protocol";
import type { Express, NextFunction } from "express";
import { admitRequest } from "./admission.js";
import { ClusterSessions } from "./cluster-sessions.js";
import type { EndpointContext } from "./context.js";
import { type EventStore, MemoryEventStore } from "./event-store.js";
import { HostGuard } from "./host-guard.js";
import { CLOSE_CONNECTION, JsonReplies, writeStatus } from "./http-replies.js";
import { handleLegacyDelete, handleLegacyGet, handleLegacyPost } from "./legacy-endpoint.js";
import type { LegacySession } from "./legacy-session.js";
import { Lifecycle } from "./lifecycle.js";
import { handleModernPost } from "./modern-endpoint.js";
import { isModernMessage } from "./modern-era.js";
import { ModernSessions } from "./modern-sessions.js";
import { type HttpTransportOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { readBoundedBody, refuseBody } from "./oversize-body.js";
import { MemorySessionStore, type SessionStore } from "./session-store.js";
import { handleSseMessage, handleSseOpen } from "./sse-endpoints.js";
import { refuseToolCalls } from "./tool-grant.js";
import { carryTraceContext } from "./trace-context.js";
import { TRANSPORT_ERROR } from "./transport-constants.js";
import type { ToolGrant } from "./transport-types.js";

export interface McpHttpApp {
  /** The express app: listen on it, or mount it in a larger app. */
  readonly app: Express;
  /**
   * The same dispatch as `app` without express's router in front: what a standalone server
   * listens with (express only sees requests for paths this transport does not serve).
   */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  readonly sessions: SessionStore<LegacySession>;
  readonly events: EventStore;
  /** Calls currently in flight (what a drain waits for). */
  readonly inFlight: number;
  readonly draining: boolean;
  /** Whether sessions are shared with other nodes (then a drain also stops listening at once). */
  readonly clustered: boolean;
  /** Tells the Host allow-list the listening port (needed when it was 0). */
  setPort(port: number): void;
  /**
   * Drains: new requests get 503, long-lived streams end cleanly, in-flight calls may finish
   * within `graceMs` (default: the `shutdownGraceMs` option), then the rest are cancelled and
   * every session is closed. Resolves true when everything finished in time.
   */
  drain(graceMs?: number): Promise<boolean>;
}

// express is loaded on first use: a standalone server never routes through it on the MCP paths,
// and importing it (with mime-db) is about a third of the runtime's start-up time.
const requireCjs = createRequire(import.meta.url);

const HEALTH_OK = JSON.stringify({ status: "ok" });
/** The memory store's default idle timeout, which a cluster's shared sessions live by too. */
const DEFAULT_SESSION_TTL_MS = 30 * 60_000;
const READY_NO = JSON.stringify({ status: "draining" });

export function createMcpHttpApp(server: McpServer, options: HttpTransportOptions = {}): McpHttpApp {
  const resolved = resolveOptions(options);
  const guard = new HostGuard(resolved.host, options.allowedHosts, options.allowedOrigins ?? []);
  if (options.port !== undefined && options.port !== 0) guard.setPort(options.port);
  const lifecycle = new Lifecycle(resolved.keepAliveMs);
  const sessions =
    options.sessionStore ??
    new MemorySessionStore<LegacySession>({
      ...(options.sessionIdleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.sessionIdleTimeoutMs }),
      ...(options.maxSessions === undefined ? {} : { maxSessions: options.maxSessions }),
      onEvict: (record, reason) => resolved.onEvent({ msg: "session evicted", reason, session: record.id }),
    });
  const cluster =
    options.cluster === undefined
      ? undefined
      : new ClusterSessions(options.cluster, options.sessionIdleTimeoutMs ?? DEFAULT_SESSION_TTL_MS);
  const events = cluster?.events ?? options.eventStore ?? new MemoryEventStore();
  const ctx: EndpointContext = {
    server,
    options: resolved,
    lifecycle,
    sessions,
    events,
    modern: new ModernSessions(server),
    cluster,
    replies: new JsonReplies(resolved.compressAboveBytes, resolved.onEvent),
  };
  cluster?.bind(ctx);

  let app: Express | undefined;
  const expressApp = (): Express => {
    if (app === undefined) {
      const express = requireCjs("express") as typeof import("express");
      app = express();
      app.disable("x-powered-by");
      app.disable("etag");
      app.use(serve);
    }
    return app;
  };
  const serve = (req: IncomingMessage, res: ServerResponse, next: NextFunction | undefined) => {
    dispatch(ctx, guard, req, res, next, expressApp).catch((cause: unknown) => {
      // Handlers convert failures themselves; this is the last line of defence (never a stack on the wire).
      resolved.onEvent({
        msg: "request failed",
        error: cause instanceof Error ? cause.message : String(cause),
      });
      if (!res.headersSent) ctx.replies.error(res, 500, ErrorCode.InternalError, "Internal error");
      else res.end();
    });
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => serve(req, res, undefined);

  let drained: Promise<boolean> | undefined;
  return {
    get app() {
      return expressApp();
    },
    handle,
    sessions,
    events,
    get inFlight() {
      return lifecycle.inFlightCount;
    },
    get draining() {
      return lifecycle.draining;
    },
    clustered: cluster !== undefined,
    setPort: (port) => guard.setPort(port),
    drain(graceMs = resolved.shutdownGraceMs) {
      drained ??= drain(ctx, graceMs);
      return drained;
    },
  };
}

async function drain(ctx: EndpointContext, graceMs: number): Promise<boolean> {
  const { lifecycle, sessions, cluster } = ctx;
  lifecycle.draining = true;
  lifecycle.endLongStreams("server shutting down");
  // Clients of streamed calls resume them on other nodes, which follow the rest through the cluster.
  cluster?.releaseStreams();
  const deadline = Date.now() + graceMs;
  let finished = await lifecycle.whenIdle(graceMs);
  // A clustered node serves POSTs still arriving on open connections (each then closes): wait for those too.
  while (cluster !== undefined && finished && lifecycle.inFlightCount > 0)
    finished = await lifecycle.whenIdle(Math.max(deadline - Date.now(), 0));
  if (cluster !== undefined) {
    // Calls still running are handed back, not cancelled: once this node has left, survivors adopt
    // their streams and join their jobs; nothing this node still produces reaches a client.
    await cluster.leave();
    ctx.modern.close("server shutting down");
    sessions.dispose();
    lifecycle.dispose();
    return finished;
  }
  for (const record of [...sessions.values()]) {
    sessions.delete(record.id);
    record.close("server shutting down");
  }
  ctx.modern.close("server shutting down");
  sessions.dispose();
  lifecycle.dispose();
  // Cancelled calls answer 503 on their next turn; give them that turn before sockets close.
  if (!finished) await new Promise((resolve) => setTimeout(resolve, 20));
  return finished;
}

function pathOf(url: string): [path: string, query: string] {
  const q = url.indexOf("?");
  return q === -1 ? [url, ""] : [url.slice(0, q), url.slice(q + 1)];
}

async function dispatch(
  ctx: EndpointContext,
  guard: HostGuard,
  req: IncomingMessage,
  res: ServerResponse,
  next: NextFunction | undefined,
  expressApp: () => Express,
): Promise<void> {
  const { options, replies } = ctx;
  const [path, query] = pathOf(req.url ?? "/");
  if (path === "/healthz") {
    replies.json(res, 200, HEALTH_OK);
    return;
  }
  if (path === "/readyz") {
    const override = ctx.lifecycle.draining ? undefined : options.readiness?.();
    if (override !== undefined) {
      replies.json(res, override.status, JSON.stringify(override.body));
      return;
    }
    const detail = options.readinessDetail;
    if (detail === undefined || ctx.lifecycle.draining)
      replies.json(res, ctx.lifecycle.draining ? 503 : 200, ctx.lifecycle.draining ? READY_NO : HEALTH_OK);
    else replies.json(res, 200, JSON.stringify({ status: "ok", ...detail() }));
    return;
  }
  const route = options.routes.size === 0 ? undefined : options.routes.get(path);
  if (route !== undefined) {
    if (req.method === "GET" || req.method === "HEAD") route(req, res);
    else writeStatus(res, 405, { allow: "GET, HEAD" });
    return;
  }
  const isMcp = path === options.path;
  const isSse = options.legacySse && (path === options.ssePath || path === options.messagesPath);
  if (!isMcp && !isSse) {
    // Not ours: the next express middleware, or (standalone) express itself for 404 and mounts.
    if (next) next();
    else expressApp()(req, res);
    return;
  }
  const refused = guard.check(req.headers.host, req.headers.origin);
  if (refused !== null) {
    replies.error(res, 403, TRANSPORT_ERROR, `Forbidden: ${refused}`);
    return;
  }
  if (ctx.lifecycle.draining) {
    // A clustered node still serves a POST that reached it on an open connection (a balancer would
    // not retry a 503 to a POST elsewhere), then closes that connection; GET and DELETE, which
    // balancers do retry, get the 503.
    if (ctx.cluster === undefined || req.method !== "POST") {
      replies.error(res, 503, TRANSPORT_ERROR, "Server is shutting down", null, {
        ...CLOSE_CONNECTION,
        "retry-after": "1",
      });
      return;
    }
    res.shouldKeepAlive = false;
  }
  let subject: string | undefined;
  let grant: ToolGrant | undefined;
  const admit = options.admit;
  if (options.authenticate !== undefined) {
    const outcome = await options.authenticate(req);
    if (!outcome.ok) {
      // Refused callers still count, against their address: a flood of bad tokens is throttled too.
      let admitted = admit === undefined || admitRequest(admit, ctx, req, res, undefined);
      if (typeof admitted !== "boolean") admitted = await admitted;
      if (admitted)
        replies.error(res, outcome.status, TRANSPORT_ERROR, outcome.message, null, outcome.headers);
      return;
    }
    subject = outcome.subject;
    grant = outcome.grant;
  }
  if (admit !== undefined) {
    let admitted = admitRequest(admit, ctx, req, res, subject);
    // A synchronous limiter is not awaited: no microtask on the hot path.
    if (typeof admitted !== "boolean") admitted = await admitted;
    if (!admitted) return;
  }
  const method = req.method;
  if (isMcp) {
    if (method === "POST") await post(ctx, req, res, subject, options, grant);
    else if (method === "GET") await handleLegacyGet(ctx, req, res, subject, grant);
    else if (method === "DELETE") await handleLegacyDelete(ctx, req, res, subject, grant);
    else writeStatus(res, 405, { allow: "GET, POST, DELETE" });
    return;
  }
  if (path === options.ssePath) {
    if (method === "GET") await handleSseOpen(ctx, res, subject, grant);
    else writeStatus(res, 405, { allow: "GET" });
  } else if (method === "POST") await handleSseMessage(ctx, req, res, query, subject, grant);
  else writeStatus(res, 405, { allow: "POST" });
}

async function post(
  ctx: EndpointContext,
  req: IncomingMessage,
  res: ServerResponse,
  subject: string | undefined,
  options: ResolvedOptions,
  grant: ToolGrant | undefined,
): Promise<void> {
  const body = await readBoundedBody(req, options.maxMessageBytes, options.maxDiscardBytes);
  if (!body.ok) {
    refuseBody(ctx, res, body, ErrorCode.InvalidRequest);
    return;
  }
  const frame = decodeFrame(body.text);
  if (frame.kind === "invalid") {
    ctx.replies.json(res, 400, JSON.stringify(frame.error));
    return;
  }
  // W3C trace context in the HTTP headers continues in the protocol core as `_meta.traceparent`.
  const traceparent = req.headers.traceparent;
  if (typeof traceparent === "string") carryTraceContext(frame, traceparent, req.headers.tracestate);
  const refused = refuseToolCalls(frame, grant);
  if (refused !== undefined) {
    ctx.replies.error(res, refused.status, TRANSPORT_ERROR, refused.message, null, refused.headers);
    return;
  }
  const version = req.headers["mcp-protocol-version"];
  if (frame.kind === "message") {
    const message = frame.message;
    const meta = "params" in message ? message.params?._meta : undefined;
    if (isModernMessage(meta, version, req.headers["mcp-session-id"] !== undefined)) {
      await handleModernPost(ctx, req, res, frame.message, subject, grant);
      return;
    }
  } else if (typeof version === "string" && isModernVersion(version.trim())) {
    ctx.replies.error(
      res,
      400,
      ErrorCode.InvalidRequest,
      "Invalid Request: JSON-RPC batches are not supported by 2026-07-28",
    );
    return;
  }
  await handleLegacyPost(ctx, req, res, frame, subject, grant);
}
