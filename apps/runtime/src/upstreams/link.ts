/**
 * @module What a connection needs from the I/O under its `McpClient`: a way to send, and a sink for
 * what comes back. `stdio-link.ts` (a subprocess) and `remote-link.ts` (Streamable HTTP or legacy
 * SSE through the official SDK's transports) implement it; neither matches requests to responses.
 */
import type { JsonRpcMessage } from "@mcp-runtime/protocol";
import type { UpstreamError } from "./errors.js";

export interface LinkSink {
  message(message: JsonRpcMessage): void;
  /** The transport could not deliver this request; the connection fails that request only. */
  sendFailed(message: JsonRpcMessage, error: UpstreamError): void;
  /** The link is gone for good, e.g. `exited (code 1, signal null)`. */
  closed(detail: string): void;
}

export interface Link {
  send(message: JsonRpcMessage): void;
  /** After `initialize`: the negotiated revision, which HTTP sends as `MCP-Protocol-Version`. */
  negotiated(protocolVersion: string): void;
  /** The subprocess, for stdio. */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

/** Opens a link that delivers to `sink`; rejects when it cannot (spawn or first request failure). */
export type LinkFactory = (sink: LinkSink) => Promise<Link>;
