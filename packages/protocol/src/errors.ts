/**
 * @module Errors. Two families (STYLE.md): `JsonRpcError` crosses the wire with a numeric code;
 * `ProtocolError` stays local with a stable string code.
 */

/** Numeric codes used on the wire: JSON-RPC 2.0's own and MCP's. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** 2025-era resource-not-found code; 2026-07-28 uses InvalidParams (SEP-2164). */
  ResourceNotFound: -32002,
  /** 2026-07-28: HTTP headers (Mcp-Method, Mcp-Name, MCP-Protocol-Version) disagree with the body. */
  HeaderMismatch: -32020,
  /** 2026-07-28: the requested protocol version is not supported; `data.supported` lists ours. */
  UnsupportedProtocolVersion: -32022,
  /** Server-defined: the request was cancelled or the server is shutting down. */
  RequestCancelled: -32800,
  /** 2026-07-28: the request needs a client capability the request did not declare. */
  MissingClientCapability: -32021,
  /**
   * Server-defined: a rate limit or budget refused the request; `data` is a `RateLimitData`
   * (HTTP transports answer it with 429 and `Retry-After`).
   */
  RateLimited: -32029,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error meant for the client: its message must be safe to show. */
export class JsonRpcError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = "JsonRpcError";
    this.code = code;
    this.data = data;
  }
}

export type ProtocolErrorCode =
  | "ERR_NOT_CONNECTED"
  | "ERR_CONNECTION_CLOSED"
  | "ERR_REQUEST_TIMEOUT"
  | "ERR_CAPABILITY_MISSING"
  | "ERR_INPUT_REQUIRED"
  | "ERR_INVALID_REQUEST_STATE"
  | "ERR_DUPLICATE_NAME";

/** A local failure (never serialised as-is): callers switch on `code`. */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ProtocolError";
    this.code = code;
  }
}

export function invalidParams(message: string, data?: unknown): JsonRpcError {
  return new JsonRpcError(ErrorCode.InvalidParams, message, data);
}

/** What a `RateLimited` error carries in `data`. */
export interface RateLimitData {
  /** which limit refused: the caller's request rate, the tool's rate, or the tool's budget */
  limit: "client" | "tool" | "budget";
  /** whole seconds until a retry can pass (at least 1) */
  retryAfterSeconds: number;
  tool?: string;
}

/** A `RateLimited` error with a message that names the limit and the wait. */
export function rateLimited(
  limit: RateLimitData["limit"],
  retryAfterMs: number,
  tool?: string,
): JsonRpcError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const what =
    limit === "client"
      ? "Too many requests"
      : limit === "tool"
        ? `Rate limit exceeded for tool ${tool ?? ""}`.trimEnd()
        : `Budget exhausted for tool ${tool ?? ""}`.trimEnd();
  const data: RateLimitData =
    tool === undefined ? { limit, retryAfterSeconds } : { limit, retryAfterSeconds, tool };
  return new JsonRpcError(ErrorCode.RateLimited, `${what}: retry after ${retryAfterSeconds} s`, data);
}
