/** @module Options of the HTTP transport, checked and defaulted once in the factory. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SessionCluster } from "./cluster.js";
import type { EventStore } from "./event-store.js";
import type { LegacySession } from "./legacy-session.js";
import { defaultDiscardBytes } from "./oversize-body.js";
import type { SessionStore } from "./session-store.js";
import type { AuthOutcome, TransportEvent } from "./transport-types.js";

export interface HttpTransportOptions {
  /** Address the server is bound to; decides the default Host/Origin allow-lists. Default 127.0.0.1. */
  host?: string;
  /** Port the server listens on, when known up front (`startHttpServer` sets it after listening). */
  port?: number;
  /** Path of the MCP endpoint. Default "/mcp". */
  path?: string;
  /** Origins allowed besides same-host ones (exact `scheme://host[:port]`, or "*"). */
  allowedOrigins?: readonly string[];
  /** Host header values allowed (`name` for any port, or `name:port`). Default: loopback names when bound to loopback, anything otherwise. */
  allowedHosts?: readonly string[];
  /**
   * Largest accepted request body (the runtime's `server.maxMessageBytes`). A larger one is read and
   * discarded up to `maxDiscardBytes`, then answered 413 with a JSON-RPC error naming the limit, and
   * the connection is kept. Default 4 MiB.
   */
  maxMessageBytes?: number;
  /** @deprecated Use `maxMessageBytes`; used only when that is not set. */
  maxBodyBytes?: number;
  /**
   * How much of an oversize body is drained before the 413; past it (declared or received) the 413
   * is sent with `Connection: close`. Default: 128 MiB, or 4x `maxMessageBytes` if larger.
   */
  maxDiscardBytes?: number;
  /** Idle legacy sessions are evicted after this long. Default 30 min (ignored with `sessionStore`). */
  sessionIdleTimeoutMs?: number;
  /** Most legacy sessions open at once. Default 10,000 (ignored with `sessionStore`). */
  maxSessions?: number;
  sessionStore?: SessionStore<LegacySession>;
  /** Where legacy SSE events are kept for `Last-Event-ID` resumption. Default: in memory. */
  eventStore?: EventStore;
  /**
   * Share legacy sessions with other nodes (`@mcp-runtime/transport-http/redis`): any node serves
   * any session, streams resume on any node, a dead node's streams are adopted. Replaces
   * `eventStore`; `sessionIdleTimeoutMs` becomes the shared sessions' time to live. The caller
   * starts it (`cluster.start()`); a drain leaves it. Default: sessions stay on their node.
   */
  cluster?: SessionCluster;
  /** Interval of `:` comments on open SSE streams (keeps proxies from timing them out). Default 15 s. */
  keepAliveMs?: number;
  /** Default grace period of `close()` for in-flight calls. Default 10 s. */
  shutdownGraceMs?: number;
  /** Serve the 2024-11-05 HTTP+SSE endpoints `GET /sse` and `POST /messages`. Default true. */
  legacySse?: boolean;
  /** Authenticates a request; the subject binds legacy sessions and reaches handlers. Default: none. */
  authenticate?(request: IncomingMessage): AuthOutcome | Promise<AuthOutcome>;
  /**
   * Per-client admission (rate limit): resolves 0 to admit, or the ms to wait. Called once per HTTP
   * request to the MCP endpoints (POST, GET stream, DELETE, /sse, /messages), after `authenticate`,
   * with `sub:<subject>` for an authenticated caller, else `ip:<address>` (a refused authentication
   * is counted against the address, so a flood of bad tokens gets 429 rather than 401). A refusal
   * answers 429 with `Retry-After`. When it throws or rejects, the request is admitted (fail open:
   * a broken limiter store must not take the service down) and an event is logged.
   */
  admit?(clientKey: string): number | Promise<number>;
  /**
   * How many reverse proxies in front append to X-Forwarded-For; the client IP is taken that many
   * hops from the right. Default 0: the socket's address.
   */
  trustProxyHops?: number;
  /**
   * JSON bodies of at least this many bytes are compressed (`br`, else `gzip`) when the request's
   * `Accept-Encoding` allows; SSE streams never are. 0 disables. Default 1024.
   */
  compressAboveBytes?: number;
  /** Transport-level events worth logging (evictions, failures). */
  onEvent?(event: TransportEvent): void;
  /** Extra fields for the `/readyz` body (e.g. per-plugin sandbox state); called per probe. */
  readinessDetail?(): Record<string, unknown>;
  /**
   * Overrides `/readyz` while it returns an answer (a passive standby node: 503 while its primary
   * is up); undefined lets the normal answer through. Draining always wins. Called per probe.
   */
  readiness?(): { status: number; body: Record<string, unknown> } | undefined;
  /**
   * Plain GET endpoints served beside `/healthz` (e.g. `/metrics`), by exact path, before the
   * Host/Origin and auth checks of the MCP endpoint (probes and scrapers send neither).
   */
  routes?: Readonly<Record<string, (req: IncomingMessage, res: ServerResponse) => void>>;
}

export interface ResolvedOptions {
  host: string;
  path: string;
  ssePath: string;
  messagesPath: string;
  maxMessageBytes: number;
  maxDiscardBytes: number;
  keepAliveMs: number;
  shutdownGraceMs: number;
  legacySse: boolean;
  authenticate: HttpTransportOptions["authenticate"];
  admit: HttpTransportOptions["admit"];
  trustProxyHops: number;
  compressAboveBytes: number;
  onEvent(event: TransportEvent): void;
  /** logs an `admit` that threw or rejected (the request was admitted: fail open) */
  admissionFailed(cause: unknown): void;
  readinessDetail: HttpTransportOptions["readinessDetail"];
  readiness: HttpTransportOptions["readiness"];
  routes: ReadonlyMap<string, (req: IncomingMessage, res: ServerResponse) => void>;
}

function nonNegativeInt(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0)
    throw new TypeError(`"${name}" option must be a non-negative integer`);
  return value;
}

function positiveInt(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`"${name}" option must be a positive integer`);
  return value;
}

export function resolveOptions(options: HttpTransportOptions): ResolvedOptions {
  const path = options.path ?? "/mcp";
  if (!path.startsWith("/")) throw new TypeError('"path" option must start with "/"');
  const onEvent = options.onEvent ?? (() => {});
  const maxMessageBytes = positiveInt(
    options.maxMessageBytes ?? options.maxBodyBytes,
    options.maxMessageBytes === undefined && options.maxBodyBytes !== undefined
      ? "maxBodyBytes"
      : "maxMessageBytes",
    4 * 1024 * 1024,
  );
  return {
    host: options.host ?? "127.0.0.1",
    path,
    ssePath: "/sse",
    messagesPath: "/messages",
    maxMessageBytes,
    maxDiscardBytes: positiveInt(
      options.maxDiscardBytes,
      "maxDiscardBytes",
      defaultDiscardBytes(maxMessageBytes),
    ),
    keepAliveMs: positiveInt(options.keepAliveMs, "keepAliveMs", 15_000),
    shutdownGraceMs: nonNegativeInt(options.shutdownGraceMs, "shutdownGraceMs", 10_000),
    legacySse: options.legacySse ?? true,
    authenticate: options.authenticate,
    admit: options.admit,
    trustProxyHops: nonNegativeInt(options.trustProxyHops, "trustProxyHops", 0),
    compressAboveBytes: nonNegativeInt(options.compressAboveBytes, "compressAboveBytes", 1024),
    onEvent,
    admissionFailed: (cause) =>
      onEvent({
        msg: "admission failed; request admitted",
        error: cause instanceof Error ? cause.message : String(cause),
      }),
    readinessDetail: options.readinessDetail,
    readiness: options.readiness,
    routes: new Map(Object.entries(options.routes ?? {})),
  };
}
