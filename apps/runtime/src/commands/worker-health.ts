/**
 * @module The queue worker's probe endpoint (`worker --health-port P`): a bare `node:http` server
 * with `/healthz` (the process is alive), `/readyz` (the BullMQ worker consumes and its Redis is
 * ready; 503 once draining) and `/metrics` (the runtime's Prometheus registry, when metrics are on).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { WorkerHealth } from "@mcp-runtime/queue";
import type { RuntimeMetrics } from "@mcp-runtime/telemetry";
import type { Logger } from "../logger.js";
import { serveMetrics } from "../telemetry/metrics-route.js";

export interface WorkerHealthOptions {
  host: string;
  /** 0 picks a free port (the real one is in `url`) */
  port: number;
  /** the worker's state; undefined while it has not started */
  readiness(): WorkerHealth | undefined;
  metrics: RuntimeMetrics | undefined;
  logger: Logger;
}

export interface WorkerHealthServer {
  /** `http://HOST:PORT` */
  readonly url: string;
  /** from now on /readyz answers 503 `{"status":"draining"}` */
  draining(): void;
  close(): Promise<void>;
}

const JSON_TYPE = { "content-type": "application/json", "cache-control": "no-store" };
const OK = JSON.stringify({ status: "ok" });
const DRAINING = JSON.stringify({ status: "draining" });

export async function startWorkerHealth(options: WorkerHealthOptions): Promise<WorkerHealthServer> {
  const { metrics, logger } = options;
  let isDraining = false;
  const send = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, JSON_TYPE);
    res.end(body);
  };
  const routes: Record<string, (res: ServerResponse) => void> = {
    "/healthz": (res) => send(res, 200, OK),
    "/readyz": (res) => {
      if (isDraining) return send(res, 503, DRAINING);
      const health = options.readiness() ?? { ready: false, reason: "worker not started" };
      if (health.ready) send(res, 200, OK);
      else send(res, 503, JSON.stringify({ status: "not ready", reason: health.reason }));
    },
  };
  if (metrics) {
    routes["/metrics"] = (res) => serveMetrics(metrics, logger, res);
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (route === undefined) return send(res, 404, JSON.stringify({ error: "not found" }));
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET", "content-type": "application/json" });
      res.end(JSON.stringify({ error: "method not allowed" }));
      return;
    }
    route(res);
  });
  // Probes are short; a stuck client must not hold the worker's exit.
  server.requestTimeout = 5_000;
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    draining() {
      isDraining = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
