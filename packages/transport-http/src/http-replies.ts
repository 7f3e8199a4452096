/**
 * @module Writing replies on node's response: JSON bodies (compressed per `Accept-Encoding` above a
 * size) and JSON-RPC errors for transport-level refusals. Statuses of JSON-RPC responses are in
 * reply-status.ts.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { failure, type JsonRpcId } from "@mcp-runtime/protocol";
import { preferredCoding } from "./accept-encoding.js";
import { writeCompressed } from "./compressed-reply.js";
import { ReplyBatch } from "./reply-batch.js";
import type { TransportEvent } from "./transport-types.js";

const JSON_TYPE = "application/json";
const VARY = "Accept-Encoding";

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
