/**
 * @module MCP over WebSocket on an existing `node:http` server: handshake checks (path, Host,
 * Origin, the `mcp` subprotocol, authentication) run before `ws` takes the socket, so a refused
 * client gets a plain HTTP status; then one `WebSocketConnection` per socket, and one keep-alive
 * timer for all of them.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { admissionKey, type McpServer, type SessionOptions } from "@mcp-runtime/protocol";
import { WebSocketServer } from "ws";
import { MCP_SUBPROTOCOL, offersMcpSubprotocol, refuseUpgrade } from "./handshake.js";
import { createHostOriginCheck, type HostOriginCheck } from "./host-origin-policy.js";
import { resolveOptions, type WebSocketAuthOutcome, type WebSocketTransportOptions } from "./options.js";
import { WebSocketConnection } from "./ws-connection.js";

export interface McpWebSocketServer {
  /** The path that accepts upgrades. */
  readonly path: string;
  /** Open connections (one session each). */
  readonly connectionCount: number;
  /**
   * Refuses new handshakes (503), closes every connection with 1001 and its session (in-flight
   * calls are cancelled), then detaches from the HTTP server, which keeps running.
   */
  close(): Promise<void>;
}

/** How long peers get to answer the closing handshake before their sockets are dropped. */
const CLOSE_HANDSHAKE_MS = 1000;

function destroyOnError(this: Duplex): void {
  this.destroy();
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

export function attachWebSocket(
  server: McpServer,
  httpServer: Server,
  options: WebSocketTransportOptions = {},
): McpWebSocketServer {
  const config = resolveOptions(options);
  const { onEvent } = config;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxPayload,
    // Compression would let a small frame inflate past any budget and costs CPU per message.
    perMessageDeflate: false,
    clientTracking: false,
    // Offering "mcp" was checked before handleUpgrade; echo it.
    handleProtocols: () => MCP_SUBPROTOCOL,
  });
  const connections = new Set<WebSocketConnection>();
  let closing: Promise<void> | undefined;
  let whenEmpty: (() => void) | undefined;

  // Built when the first handshake arrives: only then is the listening address (and port 0's real
  // port) known. Rebuilt only if the server is listening somewhere else since.
  let policy: { key: string; check: HostOriginCheck } | undefined;
  const hostOriginCheck = (): HostOriginCheck => {
    const address = httpServer.address();
    const bindHost = typeof address === "object" && address !== null ? address.address : "";
    const port = typeof address === "object" && address !== null ? address.port : undefined;
    const key = `${bindHost}|${port}`;
    if (policy?.key !== key) {
      policy = {
        key,
        check: createHostOriginCheck({
          bindHost,
          port,
          allowedHosts: config.allowedHosts,
          allowedOrigins: config.allowedOrigins,
        }),
      };
    }
    return policy.check;
  };

  const { admit, trustProxyHops } = config;
  const open = (request: IncomingMessage, socket: Duplex, head: Buffer, session: SessionOptions) => {
    wss.handleUpgrade(request, socket, head, (ws) => {
      socket.off("error", destroyOnError);
      const connection = new WebSocketConnection({
        ws,
        socket,
        server,
        session,
        maxMessageBytes: config.maxMessageBytes,
        admission:
          admit === undefined
            ? undefined
            : {
                admit,
                clientKey: admissionKey(
                  session.subject,
                  request.socket.remoteAddress,
                  request.headers["x-forwarded-for"],
                  trustProxyHops,
                ),
              },
        onEvent,
        onClosed: (closed) => {
          connections.delete(closed);
          if (connections.size === 0) whenEmpty?.();
        },
      });
      connections.add(connection);
    });
  };

  const refusalOf = (request: IncomingMessage): { status: number; reason: string } | undefined => {
    if (closing) return { status: 503, reason: "Server shutting down" };
    const hostOrigin = hostOriginCheck()(request.headers.host, request.headers.origin);
    if (hostOrigin !== null) return { status: 403, reason: hostOrigin };
    if (!offersMcpSubprotocol(request.headers["sec-websocket-protocol"])) {
      return { status: 400, reason: 'Sec-WebSocket-Protocol must offer "mcp"' };
    }
    return undefined;
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (pathOf(request.url) !== config.path) {
      // Another upgrade listener may own this path; with none, nobody else will answer.
      if (httpServer.listenerCount("upgrade") === 1) refuseUpgrade(socket, 404, "Not Found");
      return;
    }
    // Until ws owns the socket, an 'error' without a listener would crash the process.
    socket.on("error", destroyOnError);
    const refusal = refusalOf(request);
    if (refusal !== undefined) {
      if (refusal.status !== 503) onEvent({ msg: "handshake refused", ...refusal });
      refuseUpgrade(socket, refusal.status, refusal.reason);
      return;
    }
    const authenticate = config.authenticate;
    if (authenticate === undefined) {
      open(request, socket, head, {});
      return;
    }
    // A hook may be sync or async; calling it inside the promise turns a sync throw into a rejection.
    new Promise<string | undefined | WebSocketAuthOutcome>((resolve) => resolve(authenticate(request))).then(
      (decided) => {
        const outcome: WebSocketAuthOutcome =
          typeof decided === "object"
            ? decided
            : { ok: true, ...(decided === undefined ? {} : { subject: decided }) };
        if (!outcome.ok) {
          onEvent({ msg: "handshake refused", status: outcome.status, error: outcome.message });
          refuseUpgrade(socket, outcome.status, outcome.message, outcome.headers);
          return;
        }
        const session: SessionOptions = {};
        if (outcome.subject !== undefined) session.subject = outcome.subject;
        if (outcome.toolFilter !== undefined) session.toolFilter = outcome.toolFilter;
        if (closing) refuseUpgrade(socket, 503, "Server shutting down");
        else open(request, socket, head, session);
      },
      (cause: unknown) => {
        onEvent({ msg: "handshake refused", status: 401, error: String(cause) });
        refuseUpgrade(socket, 401, "Unauthorized");
      },
    );
  };
  httpServer.on("upgrade", onUpgrade);

  const keepAlive =
    config.pingIntervalMs > 0
      ? setInterval(() => {
          for (const connection of connections) connection.ping();
        }, config.pingIntervalMs)
      : undefined;
  keepAlive?.unref();

  return {
    path: config.path,
    get connectionCount() {
      return connections.size;
    },
    close() {
      closing ??= (async () => {
        clearInterval(keepAlive);
        if (connections.size > 0) {
          const emptied = new Promise<void>((resolve) => {
            whenEmpty = resolve;
          });
          for (const connection of connections) connection.shutdown("server shutting down");
          const force = setTimeout(() => {
            for (const connection of connections) connection.terminate();
          }, CLOSE_HANDSHAKE_MS);
          await emptied;
          clearTimeout(force);
        }
        httpServer.off("upgrade", onUpgrade);
        wss.close();
      })();
      return closing;
    },
  };
}
