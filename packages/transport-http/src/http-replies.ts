/**
 * @module Writing replies: JSON bodies (compressed per `Accept-Encoding` above a size), JSON-RPC
 * errors for transport-level refusals, and the HTTP status of a JSON-RPC response in each era
 * (a rate-limited call answers 429 with `Retry-After`).
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { ErrorCode, failure, type JsonRpcId, type JsonRpcResponse } from "@mcp-runtime/protocol";
import { preferredCoding } from "./accept-encoding.js";
import { writeCompressed } from "./compressed-reply.js";
import type { TransportEvent } from "./options.js";
import { ReplyBatch } from "./reply-batch.js";

const JSON_TYPE = "application/json";
const VARY = "Accept-Encoding";

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

/** JSON bodies of one app; built once with its compression settings. */
export class JsonReplies {
  /** bodies of at least this many bytes are compressed; 0 turns compression off */
  private readonly compressAbove: number;
  private readonly onEvent: (event: TransportEvent) => void;
  private readonly batch = new ReplyBatch();

  constructor(compressAboveBytes: number, onEvent: (event: TransportEvent) => void) {
    this.compressAbove = compressAboveBytes;
    this.onEvent = onEvent;
  }

  json(res: ServerResponse, status: number, body: string, extra?: Record<string, string>): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const length = Buffer.byteLength(body);
    const compressAbove = this.compressAbove;
    const headers: OutgoingHttpHeaders =
      compressAbove === 0
        ? { "content-type": JSON_TYPE, "content-length": length }
        : // Vary on every reply, compressed or not, so a cache never serves one client's coding to another.
          { "content-type": JSON_TYPE, "content-length": length, vary: VARY };
    if (extra) Object.assign(headers, extra);
    // Small bodies (most replies) never look at Accept-Encoding.
    if (compressAbove !== 0 && length >= compressAbove) {
      const coding = preferredCoding(res.req.headers["accept-encoding"]);
      if (coding !== undefined) {
        writeCompressed(res, status, body, length, coding, headers, this.onEvent);
        return;
      }
    }
    this.batch.add(res, status, headers, body);
  }

  /** A JSON-RPC error for a refusal made before the protocol core saw the message. */
  error(
    res: ServerResponse,
    status: number,
    code: number,
    message: string,
    id: JsonRpcId | null = null,
    extra?: Record<string, string>,
  ): void {
    this.json(res, status, JSON.stringify(failure(id, code, message)), extra);
  }
}

/** A status with no body (202 Accepted, 405 with Allow, ...). */
export function writeStatus(res: ServerResponse, status: number, headers?: Record<string, string>): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, headers);
  res.end();
}

export const CLOSE_CONNECTION: Record<string, string> = { connection: "close" };
