/**
 * @module The sidecar process: the audit log, the WebSocket runtimes connect to, the config
 * watcher, and an HTTP server for `/healthz`, `/readyz` and `/metrics` on the same port.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@mcp-runtime/telemetry";
import { WebSocketServer } from "ws";
import { AuditLog } from "./audit/index.js";
import type { SidecarConfig } from "./config.js";
import { ConfigWatch } from "./config-watch.js";
import { createSidecarMetrics } from "./metrics.js";
import { RuntimeHub } from "./runtime-hub.js";

export interface RunningSidecar {
  readonly url: string;
  /** flushes and seals the audit file, closes connections */
  close(): Promise<void>;
}

const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export async function startSidecar(
  config: SidecarConfig,
  logger: Logger,
  token?: string,
): Promise<RunningSidecar> {
  const { audit: settings } = config;
  const audit = await AuditLog.open({
    dir: settings.dir,
    ...(settings.keyFile === undefined ? {} : { keyFile: settings.keyFile }),
    maxBytes: settings.maxBytes,
    maxAgeMs: settings.maxAgeHours * 3_600_000,
    checkpointEvery: settings.checkpointEvery,
    checkpointIntervalMs: settings.checkpointIntervalMs,
    forward: settings.forward,
  });
  const metrics = createSidecarMetrics(() => audit);
  let watch: ConfigWatch | undefined;
  const hub = new RuntimeHub({ audit, logger, metrics, currentConfig: () => watch?.current });
  if (config.watch !== undefined) {
    watch = new ConfigWatch({
      file: config.watch,
      onValid: (push) => {
        const runtimes = hub.broadcast(push);
        logger.info({ msg: "config change pushed", file: push.file, version: push.version, runtimes });
      },
      onInvalid: (version, reason) => {
        metrics.configRefused.inc();
        logger.warn({ msg: "config change refused", file: config.watch, version, reason });
        try {
          audit.append({
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
  let closing = false;
  const http = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") return json(res, 200, { status: "ok" });
    if (path === "/readyz")
      return json(res, closing ? 503 : 200, { status: closing ? "draining" : "ok", runtimes: hub.size });
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
    json(res, 404, { error: "not found" });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  http.on("upgrade", (req, socket, head) => {
    const refusal = refuseUpgrade(req, token);
    if (refusal !== undefined) {
      logger.warn({ msg: "runtime connection refused", reason: refusal, remote: req.socket.remoteAddress });
      socket.end(
        `HTTP/1.1 ${refusal.startsWith("unauthorized") ? "401 Unauthorized" : "403 Forbidden"}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, req));
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    async close() {
      closing = true;
      watch?.close();
      hub.close();
      wss.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await audit.close();
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
