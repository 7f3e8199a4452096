/**
 * @module Writing replies: JSON bodies with precomputed header tables, JSON-RPC errors for
 * transport-level refusals, and the HTTP status of a modern (2026-07-28) JSON-RPC response.
 */
import type { ServerResponse } from "node:http";
import { ErrorCode, failure, type JsonRpcId, type JsonRpcResponse } from "@mcp-runtime/protocol";

const JSON_TYPE = "application/json";

/** HTTP status of a 2026-07-28 response (spec §5.1 table; results, tool errors, input_required → 200). */
export function modernStatus(response: JsonRpcResponse | readonly JsonRpcResponse[]): number {
  if (Array.isArray(response) || !("error" in response)) return 200;
  const code = (response as { error: { code: number } }).error.code;
  switch (code) {
    case ErrorCode.MethodNotFound:
      return 404;
    case ErrorCode.InternalError:
      return 500;
    default:
      // -32602, -32600, -32700, -32020, -32021, -32022 and anything else the client got wrong
      return 400;
  }
}

export function writeJson(
  res: ServerResponse,
  status: number,
  body: string,
  extra?: Record<string, string>,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const headers: Record<string, string | number> = {
    "content-type": JSON_TYPE,
    "content-length": Buffer.byteLength(body),
  };
  if (extra) Object.assign(headers, extra);
  res.writeHead(status, headers);
  res.end(body);
}

/** A JSON-RPC error for a refusal made before the protocol core saw the message. */
export function writeError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  id: JsonRpcId | null = null,
  extra?: Record<string, string>,
): void {
  writeJson(res, status, JSON.stringify(failure(id, code, message)), extra);
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
