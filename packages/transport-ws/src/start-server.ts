/**
 * @module A standalone WebSocket endpoint: its own HTTP server on host:port that answers plain
 * requests with 426 (this endpoint only speaks WebSocket) and upgrades on the MCP path.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@mcp-runtime/protocol";
import { attachWebSocket } from "./attach.js";
import { DEFAULT_PATH, type WebSocketTransportOptions } from "./options.js";

export interface StartWebSocketServerOptions extends WebSocketTransportOptions {
  /** Address to bind; decides the default Host/Origin allow-lists. Default 127.0.0.1. */
  host?: string;
  /** Port to listen on; 0 picks a free one (see `RunningWebSocketServer.port`). */
  port: number;
}

export interface RunningWebSocketServer {
  /** `ws://HOST:PORT/PATH` with the real port. */
  readonly url: string;
  readonly port: number;
  /** Closes every connection with 1001 and its session, then stops listening. */
  close(): Promise<void>;
}

export async function startWebSocketServer(
  server: McpServer,
  options: StartWebSocketServerOptions,
): Promise<RunningWebSocketServer> {
  const host = options.host ?? "127.0.0.1";
  const requestedPort = options.port;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new TypeError('"port" option must be an integer from 0 to 65535');
  }
  const path = options.path ?? DEFAULT_PATH;
  const httpServer = createServer((request, response) => {
    const onPath = request.url?.split("?")[0] === path;
    response.writeHead(onPath ? 426 : 404, {
      "Content-Type": "text/plain; charset=utf-8",
      ...(onPath ? { Upgrade: "websocket", Connection: "Upgrade" } : {}),
    });
    response.end(onPath ? "Upgrade Required: this endpoint speaks MCP over WebSocket\n" : "Not Found\n");
  });
  const endpoint = attachWebSocket(server, httpServer, options);
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(requestedPort, host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `ws://${urlHost}:${port}${path}`,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await endpoint.close();
        httpServer.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}
