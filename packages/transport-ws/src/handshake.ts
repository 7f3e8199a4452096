/**
 * @module The parts of the opening handshake decided before `ws` takes the socket: the `mcp`
 * subprotocol offer, and refusals written as a bare HTTP response (the socket has left Node's
 * HTTP machinery once 'upgrade' fires, so there is no ServerResponse to use).
 */
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/** The WebSocket subprotocol MCP clients offer (`Sec-WebSocket-Protocol: mcp`). */
export const MCP_SUBPROTOCOL = "mcp";

/** True when a `Sec-WebSocket-Protocol` header value lists `mcp` (tokens are case-sensitive, RFC 6455 §4.1). */
export function offersMcpSubprotocol(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(",").some((token) => token.trim() === MCP_SUBPROTOCOL);
}

/** Answers the handshake with `status` and a plain-text reason, then closes the socket. */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${message}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}`,
    "Connection: close",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once("finish", () => socket.destroy());
  socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
}
