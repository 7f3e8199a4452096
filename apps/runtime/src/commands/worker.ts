/**
 * @module `mcp-runtime worker [--config FILE]`: a queue worker process. It loads the same config and
 * plugins as `serve`, consumes the BullMQ queue and runs each tool job through the same executor;
 * progress and results go back through Redis, so any serving node answers `tasks/get`.
 */
import { loadCommandConfig } from "../config-file.js";
import { createLogger, type LogLevel } from "../logger.js";
import { createRuntime } from "../runtime.js";

export async function worker(args: string[]): Promise<number> {
  const chosen = await loadCommandConfig(args);
  if (!chosen.ok) return chosen.exitCode;
  const { loaded } = chosen;
  const { config } = loaded;
  const logger = createLogger({
    level: config.telemetry.logLevel as LogLevel,
    fields: { service: "mcp-runtime-worker" },
  });
  if (config.queue.backend !== "bullmq") {
    logger.error({
      msg: 'mcp-runtime worker needs queue.backend "bullmq" (the memory queue lives inside serve)',
    });
    logger.flush();
    return 1;
  }
  const runtime = await createRuntime({ config, baseDir: loaded.baseDir, logger, role: "worker" });
  // Handlers first: a supervisor may send SIGTERM as soon as it reads the ready line, and a signal
  // with no listener yet would kill the process instead of draining it.
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  logger.flush();
  process.stderr.write(
    `mcp-runtime worker ready (pid ${process.pid}, concurrency ${config.queue.concurrency})\n`,
  );
  await stopped;
  // close() lets running jobs finish (BullMQ worker.close waits for them).
  await runtime.close();
  logger.flush();
  return 0;
}
