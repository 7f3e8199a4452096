/** @module Listening: an HTTP server for the app on host:port, and a graceful `close(graceMs)`. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@mcp-runtime/protocol";
import { createMcpHttpApp, type McpHttpApp } from "./app.js";
import type { HttpTransportOptions } from "./options.js";

export interface RunningHttpServer {
  /** `http://HOST:PORT/mcp` with the real port */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly mcp: McpHttpApp;
  readonly httpServer: Server;
  /** Drains (see `McpHttpApp.drain`), then stops listening and closes every connection. */
  close(graceMs?: number): Promise<void>;
}

export async function startHttpServer(
  server: McpServer,
  options: HttpTransportOptions = {},
): Promise<RunningHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new TypeError('"port" option must be an integer from 0 to 65535');
  }
  const mcp = createMcpHttpApp(server, { ...options, host });
  const httpServer = createServer(mcp.handle);
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(requestedPort, host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  mcp.setPort(port);
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  const stopListening = () => new Promise<void>((resolve) => httpServer.close(() => resolve()));
  return {
    url: `http://${urlHost}:${port}${options.path ?? "/mcp"}`,
    host,
    port,
    mcp,
    httpServer,
    close(graceMs?: number) {
      closing ??= (async () => {
        // A single node keeps listening while draining: probes see /readyz go red, clients a 503.
        // A node of a cluster stops at once: a balancer retries a refused connection on another
        // node, but never a POST that was answered 503.
        const stopped = mcp.clustered ? stopListening() : undefined;
        if (mcp.clustered) httpServer.closeIdleConnections();
        await mcp.drain(graceMs);
        const closed = stopped ?? stopListening();
        httpServer.closeIdleConnections();
        const force = setTimeout(() => httpServer.closeAllConnections(), 1000);
        force.unref();
        await closed;
        clearTimeout(force);
      })();
      return closing;
    },
  };
}
