/** @module JSON-RPC 2.0 message types and the wire codec: one parse per message, no re-encoding. */
import { ErrorCode, JsonRpcError } from "./errors.js";

export type JsonRpcId = string | number;

export interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcNotification {
  jsonrpc: "2.0";
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcSuccess {
  jsonrpc: "2.0";
  id: JsonRpcId;
  result: Record<string, unknown>;
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface JsonRpcFailure {
  jsonrpc: "2.0";
  id: JsonRpcId | null;
  error: JsonRpcErrorObject;
}

export type JsonRpcResponse = JsonRpcSuccess | JsonRpcFailure;
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/** What one decoded frame turned out to be. `invalid` carries the error response to send back. */
export type DecodedFrame =
  | { kind: "message"; message: JsonRpcMessage }
  | { kind: "batch"; messages: readonly DecodedFrame[] }
  | { kind: "invalid"; error: JsonRpcFailure };

export function isRequest(message: JsonRpcMessage): message is JsonRpcRequest {
  return "method" in message && "id" in message;
}

export function isNotification(message: JsonRpcMessage): message is JsonRpcNotification {
  return "method" in message && !("id" in message);
}

export function isResponse(message: JsonRpcMessage): message is JsonRpcResponse {
  return !("method" in message);
}

export function failure(id: JsonRpcId | null, code: number, message: string, data?: unknown): JsonRpcFailure {
  const error: JsonRpcErrorObject = data === undefined ? { code, message } : { code, message, data };
  return { jsonrpc: "2.0", id, error };
}

export function success(id: JsonRpcId, result: Record<string, unknown>): JsonRpcSuccess {
  return { jsonrpc: "2.0", id, result };
}

/** Converts anything thrown into a wire error without leaking stacks or internal messages. */
export function toFailure(id: JsonRpcId | null, cause: unknown): JsonRpcFailure {
  if (cause instanceof JsonRpcError) return failure(id, cause.code, cause.message, cause.data);
  return failure(id, ErrorCode.InternalError, "Internal error");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function idOf(value: Record<string, unknown>): JsonRpcId | null {
  const id = value.id;
  return typeof id === "string" || (typeof id === "number" && Number.isFinite(id)) ? id : null;
}

/** Validates the JSON-RPC envelope of an already parsed value (one element of a frame). */
export function checkEnvelope(value: unknown): DecodedFrame {
  if (!isPlainObject(value)) {
    return {
      kind: "invalid",
      error: failure(null, ErrorCode.InvalidRequest, "Invalid Request: expected an object"),
    };
  }
  const id = idOf(value);
  if (value.jsonrpc !== "2.0") {
    return {
      kind: "invalid",
      error: failure(id, ErrorCode.InvalidRequest, 'Invalid Request: jsonrpc must be "2.0"'),
    };
  }
  const hasId = "id" in value;
  // JSON-RPC 2.0 section 5: an error response carries a null id when the request's id was unreadable.
  const nullIdError = value.id === null && !("method" in value) && isPlainObject(value.error);
  if (hasId && id === null && !nullIdError) {
    return {
      kind: "invalid",
      error: failure(null, ErrorCode.InvalidRequest, "Invalid Request: id must be a string or a number"),
    };
  }
  if ("method" in value) {
    if (typeof value.method !== "string") {
      return {
        kind: "invalid",
        error: failure(id, ErrorCode.InvalidRequest, "Invalid Request: method must be a string"),
      };
    }
    if (value.params !== undefined && !isPlainObject(value.params)) {
      // MCP only uses named parameters (by-name objects), never positional arrays.
      return {
        kind: "invalid",
        error: failure(id, ErrorCode.InvalidParams, "Invalid params: params must be an object"),
      };
    }
    return { kind: "message", message: value as unknown as JsonRpcMessage };
  }
  if (hasId && ("result" in value || isPlainObject(value.error))) {
    return { kind: "message", message: value as unknown as JsonRpcMessage };
  }
  return {
    kind: "invalid",
    error: failure(id, ErrorCode.InvalidRequest, "Invalid Request: no method, result or error"),
  };
}

/** Decodes one frame of text (a stdio line or an HTTP body) into messages or the error to answer. */
export function decodeFrame(text: string): DecodedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "invalid", error: failure(null, ErrorCode.ParseError, "Parse error: invalid JSON") };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return {
        kind: "invalid",
        error: failure(null, ErrorCode.InvalidRequest, "Invalid Request: empty batch"),
      };
    }
    return { kind: "batch", messages: value.map(checkEnvelope) };
  }
  return checkEnvelope(value);
}

export function encodeMessage(message: JsonRpcMessage | readonly JsonRpcMessage[]): string {
  return JSON.stringify(message);
}
