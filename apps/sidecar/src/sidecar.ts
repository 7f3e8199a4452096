/**
 * @module The sidecar process: the audit log, the WebSocket runtimes connect to, the config
 * watcher, the capture store, and one HTTP server on one port for `/healthz`, `/readyz` and
 * `/metrics` (unauthenticated) and the operator dashboard (everything else, and `/live`).
 */
import { timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@mcp-runtime/telemetry";
import { WebSocketServer } from "ws";
import { AuditLog } from "./audit/index.js";
import { openCaptureStore } from "./capture/index.js";
import type { SidecarConfig } from "./config.js";
import { ConfigWatch } from "./config-watch.js";
import { auditActionTo, createOperatorActions } from "./dashboard/actions.js";
import { createDashboard, type Dashboard } from "./dashboard/mount.js";
import type { ActionResult } from "./dashboard/protocol.js";
import { loadDashboardSecrets } from "./dashboard/secrets.js";
import { DashboardState } from "./dashboard/state.js";
import { DEFAULT_DASHBOARD_ROOT } from "./dashboard/static-files.js";
import { createSidecarMetrics } from "./metrics.js";
import { RuntimeHub } from "./runtime-hub.js";

export interface RunningSidecar {
  readonly url: string;
  /** set when the dashboard is enabled */
  readonly dashboard?: {
    url: string;
    /** the admin token made at start (no OIDC and no token configured): tell the operator once */
    generatedAdminToken?: string;
  };
  /**
   * Re-reads the watched runtime config and pushes it (SIGHUP, `systemctl reload`, `pm2
   * sendSignal SIGHUP`): the dashboard's "reload config" action, audited as `admin_action`.
   */
  reloadConfig(actor: string): Promise<ActionResult>;
  /** flushes and seals the audit file, closes connections */
  close(): Promise<void>;
}

export interface StartSidecarOptions {
  /** the built dashboard page; default `dist/public` of this package */
  dashboardRoot?: string;
  /** where dashboard secrets are read from (default `process.env`) */
  env?: NodeJS.ProcessEnv;
}

const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

export async function startSidecar(
  config: SidecarConfig,
  logger: Logger,
  token?: string,
  options: StartSidecarOptions = {},
): Promise<RunningSidecar> {
  const { audit: settings } = config;
  const startedAt = Date.now();
  // Before the log opens: a missing secret file stops the start-up with nothing to undo.
  const secrets = config.dashboard.enabled
    ? await loadDashboardSecrets(config.dashboard, options.env ?? process.env)
    : undefined;
  // Closures below read these once they are set; the state must exist before the log opens.
  let audit: AuditLog | undefined;
  let hub: RuntimeHub | undefined;
  let watch: ConfigWatch | undefined;
  const metrics = createSidecarMetrics({ audit: () => audit, evals: () => state.evals });
  const state = new DashboardState({
    metrics,
    runtimes: () => hub?.runtimes() ?? [],
    runtimesVersion: () => hub?.version ?? 0,
    configVersion: () => watch?.current?.version,
    auditRecords: () => audit?.stats.records ?? 0,
    version: VERSION,
    startedAt,
  });
  const log = await AuditLog.open({
    dir: settings.dir,
    ...(settings.keyFile === undefined ? {} : { keyFile: settings.keyFile }),
    maxBytes: settings.maxBytes,
    maxAgeMs: settings.maxAgeHours * 3_600_000,
    checkpointEvery: settings.checkpointEvery,
    checkpointIntervalMs: settings.checkpointIntervalMs,
    forward: settings.forward,
    onWritten: (records) => state.written(records),
  });
  audit = log;
  const capture = await openCaptureStore(config.capture, logger).catch(async (cause: unknown) => {
    await log.close();
    throw cause;
  });
  const runtimeHub = new RuntimeHub({
    audit: log,
    logger,
    metrics,
    currentConfig: () => watch?.current,
    capture,
    observer: state,
  });
  hub = runtimeHub;
  let lastPush = 0;
  if (config.watch !== undefined) {
    watch = new ConfigWatch({
      file: config.watch,
      onValid: (push) => {
        const runtimes = runtimeHub.broadcast(push);
        lastPush = runtimes;
        logger.info({ msg: "config change pushed", file: push.file, version: push.version, runtimes });
      },
      onInvalid: (version, reason) => {
        metrics.configRefused.inc();
        logger.warn({ msg: "config change refused", file: config.watch, version, reason });
        try {
          log.append({
            type: "config_change",
            ts: Date.now(),
            version,
            source: "file",
            status: "refused",
            reason,
          });
        } catch (cause) {
          logger.error({ msg: "audit write failed", error: String(cause) });
        }
      },
    });
    await watch.start();
  }
  const auditAction = auditActionTo(log, logger);
  const actions = createOperatorActions({
    hub: runtimeHub,
    watch,
    lastPush: () => lastPush,
    audit: auditAction,
  });
  let dashboard: Dashboard | undefined;
  let generatedAdminToken: string | undefined;
  if (secrets !== undefined) {
    if (secrets.adminTokenGenerated) generatedAdminToken = secrets.adminToken;
    dashboard = await createDashboard({
      settings: config.dashboard,
      secrets,
      state,
      actions,
      audit: auditAction,
      metrics,
      logger,
      root: options.dashboardRoot ?? DEFAULT_DASHBOARD_ROOT,
    }).catch(async (cause: unknown) => {
      // The provider's discovery failed: nothing may stay open behind a failed start.
      watch?.close();
      await log.close();
      await capture.close();
      throw cause;
    });
  }
  let closing = false;
  const http = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") return json(res, 200, { status: "ok" });
    if (path === "/readyz")
      return json(res, closing ? 503 : 200, {
        status: closing ? "draining" : "ok",
        runtimes: runtimeHub.size,
      });
    if (path === "/metrics") {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": metrics.registry.contentType });
          res.end(text);
        },
        () => json(res, 500, { error: "metrics unavailable" }),
      );
      return;
    }
    if (dashboard !== undefined) return dashboard.handleRequest(req, res);
    json(res, 404, { error: "not found" });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  http.on("upgrade", (req, socket, head) => {
    if (dashboard !== undefined && (req.url ?? "/").split("?")[0] === "/live") {
      dashboard.handleUpgrade(req, socket, head);
      return;
    }
    const refusal = refuseUpgrade(req, token);
    if (refusal !== undefined) {
      logger.warn({ msg: "runtime connection refused", reason: refusal, remote: req.socket.remoteAddress });
      socket.end(
        `HTTP/1.1 ${refusal.startsWith("unauthorized") ? "401 Unauthorized" : "403 Forbidden"}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => runtimeHub.attach(ws, req));
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  return {
    url,
    ...(dashboard === undefined
      ? {}
      : {
          dashboard: {
            url: `${url}/`,
            ...(generatedAdminToken === undefined ? {} : { generatedAdminToken }),
          },
        }),
    reloadConfig: (actor) => actions.reloadConfig(actor),
    async close() {
      closing = true;
      watch?.close();
      dashboard?.close();
      runtimeHub.close();
      wss.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await log.close();
      await capture.close();
    },
  };
}

/**
 * Runtimes are servers, not browsers: an upgrade carrying an `Origin` is refused (a web page cannot
 * open this socket and write the audit log), and with a token set the bearer must match it.
 */
function refuseUpgrade(req: IncomingMessage, token: string | undefined): string | undefined {
  if (req.headers.origin !== undefined) return "forbidden: browser origins may not connect";
  if (token === undefined) return undefined;
  const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b) ? undefined : "unauthorized: bad or missing token";
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
