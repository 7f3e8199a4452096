/**
 * @module The dashboard wired into the sidecar: login, routes, the `/live` socket and the two
 * operator actions. `handleRequest` takes the HTTP requests the sidecar does not answer itself;
 * `handleUpgrade` takes upgrades to `/live` (a same-origin page with an operator session only).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "@mcp-runtime/telemetry";
import { WebSocketServer } from "ws";
import type { SidecarConfig } from "../config.js";
import type { SidecarMetrics } from "../metrics.js";
import { LiveClients } from "./live.js";
import { type AuditAction, createDashboardLogin } from "./login.js";
import type { DashboardSecrets } from "./secrets.js";
import { sameOriginStrict } from "./security.js";
import { createDashboardApp, type DashboardActions } from "./server.js";
import type { DashboardState } from "./state.js";

export interface DashboardOptions {
  settings: SidecarConfig["dashboard"];
  secrets: DashboardSecrets;
  state: DashboardState;
  actions: DashboardActions;
  audit: AuditAction;
  metrics: SidecarMetrics;
  logger: Logger;
  /** the built page's folder */
  root: string;
}

export interface Dashboard {
  handleRequest(request: IncomingMessage, response: ServerResponse): void;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

const LIVE_MAX_PAYLOAD = 64 * 1024;

export async function createDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { settings, logger } = options;
  const login = await createDashboardLogin(settings, options.secrets, options.audit);
  const app = createDashboardApp({
    login,
    state: options.state,
    root: options.root,
    trustProxy: settings.trustProxy,
    actions: options.actions,
    audit: options.audit,
  });
  const live = new LiveClients(options.state, options.metrics, logger);
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIVE_MAX_PAYLOAD });
  return {
    handleRequest: (request, response) => app(request, response),
    handleUpgrade(request, socket, head) {
      const operator = login.operatorOf(request);
      const csrfToken = login.csrfTokenOf(request);
      // Checked before the session: a foreign page must learn nothing, not even "log in first".
      const refusal = !sameOriginStrict(request, settings.trustProxy)
        ? "403 Forbidden"
        : operator === undefined || csrfToken === undefined
          ? "401 Unauthorized"
          : undefined;
      if (refusal !== undefined || operator === undefined || csrfToken === undefined) {
        logger.warn({
          msg: "dashboard connection refused",
          status: refusal,
          remote: request.socket.remoteAddress,
        });
        socket.end(`HTTP/1.1 ${refusal}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => live.attach(ws, operator, csrfToken));
    },
    close() {
      live.close();
      wss.close();
    },
  };
}
