/**
 * @module The HTTP status of a JSON-RPC response in each era (a rate-limited call answers 429 with
 * `Retry-After`). Runtime-neutral: used by the express transport and the fetch handler.
 */
import { ErrorCode, type JsonRpcResponse } from "@mcp-runtime/protocol";

type Reply = JsonRpcResponse | readonly JsonRpcResponse[];

/** The error code of a single (non-batch) error response, else undefined. */
function errorCode(response: Reply): number | undefined {
  if (Array.isArray(response) || !("error" in response)) return undefined;
  return (response as { error: { code: number } }).error.code;
}

/** HTTP status of a 2026-07-28 response (spec §5.1 table; results, tool errors, input_required → 200). */
export function modernStatus(response: Reply): number {
  switch (errorCode(response)) {
    case undefined:
      return 200;
    case ErrorCode.MethodNotFound:
      return 404;
    case ErrorCode.InternalError:
      return 500;
    case ErrorCode.RateLimited:
      return 429;
    default:
      // -32602, -32600, -32700, -32020, -32021, -32022 and anything else the client got wrong
      return 400;
  }
}

/**
 * HTTP status of a 2025-era JSON body: errors travel in 200 bodies, as the SDKs expect, except a
 * refused batch (id null, -32600 → 400) and a rate-limited call (429, so clients and proxies back off).
 */
export function legacyStatus(response: Reply): number {
  const code = errorCode(response);
  if (code === undefined) return 200;
  if (code === ErrorCode.RateLimited) return 429;
  return (response as JsonRpcResponse).id === null ? 400 : 200;
}

/** A `Retry-After` value: whole seconds, at least 1, so clients never retry at once. */
export function retryAfter(seconds: number): string {
  const whole = Math.ceil(seconds);
  return whole >= 1 && Number.isFinite(whole) ? String(whole) : "1";
}

/**
 * Headers of a JSON-RPC reply written with `status`: with 429, `Retry-After` from the error's
 * `RateLimitData` (1 s when a hand-made error carries none).
 */
export function replyHeaders(
  status: number,
  response: Reply,
  headers: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (status !== 429 || Array.isArray(response)) return headers;
  const single = response as JsonRpcResponse;
  const data =
    "error" in single ? (single.error.data as { retryAfterSeconds?: unknown } | undefined) : undefined;
  const seconds = typeof data?.retryAfterSeconds === "number" ? data.retryAfterSeconds : 1;
  return { ...headers, "retry-after": retryAfter(seconds) };
}
