/** @module `GET /metrics`: one Prometheus scrape of the runtime's registry, for `serve` and the worker's health port. */
import type { ServerResponse } from "node:http";
import type { RuntimeMetrics } from "@mcp-runtime/telemetry";
import type { Logger } from "../logger.js";

/** Writes one scrape; a failed scrape is a 500 and a log line, never a crash. */
export function serveMetrics(metrics: RuntimeMetrics, logger: Logger, res: ServerResponse): void {
  metrics.metrics().then(
    (text) => {
      res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
      res.end(text);
    },
    (cause: unknown) => {
      logger.warn({ msg: "metrics scrape failed", error: String(cause) });
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("metrics unavailable\n");
    },
  );
}
