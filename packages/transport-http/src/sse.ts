/** @module Server-sent events framing and the headers every SSE reply carries. */
import type { ServerResponse } from "node:http";
import type { JsonRpcMessage } from "@mcp-runtime/protocol";

/** `X-Accel-Buffering: no` stops nginx from holding events back (spec §5.1 SHOULD). */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

export function startSse(res: ServerResponse, extra?: Record<string, string>): void {
  res.writeHead(200, extra ? { ...SSE_HEADERS, ...extra } : SSE_HEADERS);
  // Send headers now: the client learns the stream is open before the first event.
  res.flushHeaders();
}

export function writeSseMessage(res: ServerResponse, message: JsonRpcMessage, id?: string): void {
  const data = JSON.stringify(message);
  res.write(
    id === undefined ? `event: message\ndata: ${data}\n\n` : `id: ${id}\nevent: message\ndata: ${data}\n\n`,
  );
}

/**
 * A priming event (an id and empty data, 2025-11-25): gives the client a position it can resume
 * from with Last-Event-ID, without a message.
 */
export function writePriming(res: ServerResponse, id: string): void {
  res.write(`id: ${id}\ndata: \n\n`);
}

/** Whether writing to this response can still reach the client. */
export function isOpen(res: ServerResponse): boolean {
  return !res.writableEnded && !res.destroyed;
}
