/** @module Options of the WebSocket transport, checked and defaulted once in the factory. */
import type { IncomingMessage } from "node:http";

/** A transport-level event worth logging (refused handshakes, dead peers, oversize frames). */
export interface WebSocketTransportEvent {
  msg: string;
  [key: string]: unknown;
}

/**
 * An authenticate hook's decision. Accepted: the subject bound to the connection's session and the
 * tools it may see and call (per-tool scopes; others are left out of `tools/list` and `tools/call`
 * answers "Unknown tool"). Refused: the handshake gets `status`, `message` and `headers` (e.g. the
 * same `WWW-Authenticate` challenge as an HTTP 401).
 */
export type WebSocketAuthOutcome =
  | { ok: true; subject?: string; toolFilter?: (toolName: string) => boolean }
  | { ok: false; status: 401 | 403; message: string; headers?: Record<string, string> };

/**
 * Decides who is connecting, once per handshake. Resolves to an outcome, or (shorthand) to the
 * subject or undefined for an anonymous connection with every tool; throwing or rejecting refuses
 * the handshake with a bare 401.
 */
export type WebSocketAuthenticate = (
  request: IncomingMessage,
) => string | undefined | WebSocketAuthOutcome | Promise<string | undefined | WebSocketAuthOutcome>;

export interface WebSocketTransportOptions {
  /** Path that accepts upgrades. Default "/mcp/ws". */
  path?: string;
  /** Origins allowed besides loopback ones on a loopback bind: exact `scheme://host[:port]`, or "*". */
  allowedOrigins?: readonly string[];
  /** Host header values allowed: `name` (any port) or `name:port`. Default: loopback names with the port when bound to loopback, anything otherwise. */
  allowedHosts?: readonly string[];
  /**
   * Largest accepted message in bytes (the runtime's `server.maxMessageBytes`); a larger one, up to
   * `maxPayload`, is answered with a JSON-RPC error (-32600) naming the limit and the connection
   * stays open. Default 4 MiB, or `maxPayload` when that is set and smaller.
   */
  maxMessageBytes?: number;
  /**
   * Hard ceiling: a frame or message past it is not buffered and closes the connection with 1009
   * and a reason naming `maxMessageBytes`. Default 4x `maxMessageBytes` (memory per connection is
   * bounded by it).
   */
  maxPayload?: number;
  /** Interval of keep-alive pings; a peer that missed the previous pong is terminated. 0 disables. Default 30 s. */
  pingIntervalMs?: number;
  authenticate?: WebSocketAuthenticate;
  /**
   * Per-client admission (rate limit): resolves 0 to admit, or the ms to wait. Called once per
   * WebSocket request message (a batch with requests counts once; notifications and responses are
   * not counted), with `sub:<subject>` for an authenticated connection, else `ip:<address>`. A
   * refused request gets the JSON-RPC error `rateLimited("client", ms)` (-32029) with its id; the
   * connection stays open. When it throws or rejects, the message is admitted (fail open: a broken
   * limiter store must not take the service down) and an event is logged. Messages are still
   * handled in arrival order while an asynchronous answer is pending.
   */
  admit?(clientKey: string): number | Promise<number>;
  /**
   * How many reverse proxies in front append to X-Forwarded-For; the client IP is taken that many
   * hops from the right of the upgrade request's header. Default 0: the socket's address.
   */
  trustProxyHops?: number;
  onEvent?(event: WebSocketTransportEvent): void;
}

export interface ResolvedOptions {
  path: string;
  allowedOrigins: readonly string[];
  allowedHosts: readonly string[] | undefined;
  maxMessageBytes: number;
  maxPayload: number;
  pingIntervalMs: number;
  authenticate: WebSocketAuthenticate | undefined;
  admit: WebSocketTransportOptions["admit"];
  trustProxyHops: number;
  onEvent(event: WebSocketTransportEvent): void;
}

export const DEFAULT_PATH = "/mcp/ws";
const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
const DEFAULT_PING_INTERVAL_MS = 30_000;

function integer(value: number | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new TypeError(`"${name}" option must be ${min === 0 ? "a non-negative" : "a positive"} integer`);
  }
  return value;
}

export function resolveOptions(options: WebSocketTransportOptions): ResolvedOptions {
  const path = options.path ?? DEFAULT_PATH;
  if (!path.startsWith("/") || path.includes("?")) {
    throw new TypeError('"path" option must start with "/" and carry no query');
  }
  const ceiling =
    options.maxPayload === undefined ? undefined : integer(options.maxPayload, "maxPayload", 0, 1);
  const maxMessageBytes = integer(
    options.maxMessageBytes,
    "maxMessageBytes",
    Math.min(DEFAULT_MAX_MESSAGE_BYTES, ceiling ?? DEFAULT_MAX_MESSAGE_BYTES),
    1,
  );
  const maxPayload = ceiling ?? 4 * maxMessageBytes;
  if (maxPayload < maxMessageBytes) {
    throw new TypeError('"maxPayload" option must be at least "maxMessageBytes"');
  }
  return {
    path,
    allowedOrigins: options.allowedOrigins ?? [],
    allowedHosts: options.allowedHosts,
    maxMessageBytes,
    maxPayload,
    pingIntervalMs: integer(options.pingIntervalMs, "pingIntervalMs", DEFAULT_PING_INTERVAL_MS, 0),
    authenticate: options.authenticate,
    admit: options.admit,
    trustProxyHops: integer(options.trustProxyHops, "trustProxyHops", 0, 0),
    onEvent: options.onEvent ?? (() => {}),
  };
}
