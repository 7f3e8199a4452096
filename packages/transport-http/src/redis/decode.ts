/**
 * @module Reading back what nodes stored in Redis or sent on the bus. Another node (maybe another
 * version) wrote it, so each value is checked for shape before it becomes typed data; a malformed
 * value decodes to undefined and the caller reports it.
 */
import type { JsonRpcMessage, JsonRpcRequest } from "@mcp-runtime/protocol";
import type { BusMessage, ClusterEvent, SessionState } from "../cluster.js";

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseObject(text: string): Fields | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isMessage(value: unknown): value is JsonRpcMessage {
  return isObject(value) && value.jsonrpc === "2.0";
}

export function decodeState(text: string): SessionState | undefined {
  const value = parseObject(text);
  if (value?.v !== 1 || (value.kind !== "streamable" && value.kind !== "sse")) return undefined;
  return value as unknown as SessionState;
}

export function decodeCall(text: string): { node: string; request: JsonRpcRequest } | undefined {
  const value = parseObject(text);
  const request = value?.request;
  if (typeof value?.node !== "string" || !isObject(request)) return undefined;
  if (request.jsonrpc !== "2.0" || typeof request.method !== "string" || request.id === undefined)
    return undefined;
  return { node: value.node, request: request as unknown as JsonRpcRequest };
}

/** One XRANGE entry: [entry id, [field, value, field, value ...]]. */
export type StreamEntry = [string, string[]];

/** Fields `i` (event id) and `m` (the message as JSON) or `end` = "1" (the end marker). */
export function decodeEvent(entry: StreamEntry): ClusterEvent | undefined {
  const fields = entry[1];
  let id: string | undefined;
  let text: string | undefined;
  let end = false;
  for (let k = 0; k + 1 < fields.length; k += 2) {
    const value = fields[k + 1];
    if (fields[k] === "i") id = value;
    else if (fields[k] === "m") text = value;
    else if (fields[k] === "end") end = value === "1";
  }
  if (id === undefined) return undefined;
  if (end) return { id, end: true };
  if (text === undefined) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isMessage(message) ? { id, message } : undefined;
}

function isBusMessage(value: Fields): boolean {
  switch (value.t) {
    case "ev":
      return typeof value.stream === "string" && typeof value.id === "string" && isMessage(value.m);
    case "end":
      return typeof value.stream === "string";
    case "oob":
    case "resp":
      return isMessage(value.m);
    case "state":
      return isObject(value.state) && value.state.v === 1;
    case "home":
    case "del":
      return true;
    default:
      return false;
  }
}

/** A bus payload is `{ n: sender node id, ...message }`. */
export function decodeBus(payload: string): { from: string; message: BusMessage } | undefined {
  const value = parseObject(payload);
  if (value === undefined || typeof value.n !== "string" || !isBusMessage(value)) return undefined;
  const from: string = value.n;
  const { n: _sender, ...message } = value;
  return { from, message: message as unknown as BusMessage };
}

export function encodeBus(from: string, message: BusMessage): string {
  return JSON.stringify({ n: from, ...message });
}
