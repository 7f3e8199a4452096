/**
 * @module `mcp-runtime worker [--config FILE]`: a queue worker process. It loads the same config and
 * plugins as `serve`, consumes the BullMQ queue and runs each tool job through the same executor;
 * progress and results go back through Redis, so any serving node answers `tasks/get`.
 */
import { parseArgs } from "node:util";
import { formatIssues, loadConfig } from "@mcp-runtime/config";
import { chooseConfigFile } from "../config-file.js";
import { createLogger, type LogLevel } from "../logger.js";
import { createRuntime } from "../runtime.js";

export async function worker(args: string[]): Promise<number> {
  let values: { config?: string };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { config: { type: "string" } },
    }));
  } catch (cause) {
    process.stderr.write(`mcp-runtime: ${cause instanceof Error ? cause.message : String(cause)}\n`);
    return 2;
  }
  const file = chooseConfigFile(values.config, process.env, process.cwd());
  const loaded = await loadConfig({ ...(file ? { file } : {}), env: process.env });
  if (!loaded.ok) {
    for (const line of formatIssues(loaded.issues)) process.stderr.write(`${line}\n`);
    return 1;
  }
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
  process.stderr.write(
    `mcp-runtime worker ready (pid ${process.pid}, concurrency ${config.queue.concurrency})\n`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  // close() lets running jobs finish (BullMQ worker.close waits for them).
  await runtime.close();
  logger.flush();
  return 0;
}
