/**
 * @module Preloaded into the soaked runtime with `--import` (the runtime registers no prom-client
 * default metrics, so heap, event-loop lag and handles are not on its /metrics): every
 * SOAK_PROBE_MS it appends one JSON line to SOAK_PROBE_FILE. Main thread only; the timer is unref'd
 * so it never keeps the process alive.
 */
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { isMainThread } from "node:worker_threads";

const file = process.env.SOAK_PROBE_FILE;
if (isMainThread && file) {
  const every = Number(process.env.SOAK_PROBE_MS ?? 10_000);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const sample = () => {
    const memory = process.memoryUsage();
    const line = {
      t: Date.now(),
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      // nanoseconds; the resolution (10 ms) is subtracted by the histogram's own definition of delay
      lagP99Ms: lag.percentile(99) / 1e6,
      lagMaxMs: lag.max / 1e6,
      handles: process.getActiveResourcesInfo().length,
    };
    lag.reset();
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // the soak's folder is gone: nothing to report to
    }
  };
  setInterval(sample, every).unref();
}
