/**
 * @module `mcp-runtime worker [--config FILE] [--health-port P] [--health-host H]`: a queue worker
 * process. It loads the same config and plugins as `serve`, consumes the BullMQ queue and runs each
 * tool job through the same executor; progress and results go back through Redis, so any serving
 * node answers `tasks/get`. With a health port it also serves /healthz, /readyz and /metrics.
 */
import { loadCommandConfig } from "../config-file.js";
import { createLogger, type LogLevel } from "../logger.js";
import { createRuntime } from "../runtime.js";
import { type CliIo, EXIT, type ExitCode } from "./io.js";
import { startWorkerHealth, type WorkerHealthServer } from "./worker-health.js";

export interface WorkerOptions {
  config?: string;
  healthPort?: string;
  healthHost?: string;
}

type HealthPort = { ok: true; port: number | undefined } | { ok: false; exitCode: ExitCode; message: string };

/** `--health-port` beats MCP_WORKER_HEALTH_PORT; neither (or an empty env value): no port. */
function healthPort(flag: string | undefined, env: NodeJS.ProcessEnv): HealthPort {
  const [raw, source, exitCode] =
    flag !== undefined
      ? [flag, "--health-port", EXIT.usage]
      : [env.MCP_WORKER_HEALTH_PORT, "env.MCP_WORKER_HEALTH_PORT", EXIT.failed];
  if (raw === undefined || (raw === "" && flag === undefined)) return { ok: true, port: undefined };
  const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 0 && port <= 65535))
    return { ok: false, exitCode, message: `${source}: expected a port 0-65535, got ${JSON.stringify(raw)}` };
  return { ok: true, port };
}

export async function worker(values: WorkerOptions, io: CliIo): Promise<ExitCode> {
  const health = healthPort(values.healthPort, process.env);
  if (!health.ok) {
    const hint = health.exitCode === EXIT.usage ? '\nRun "mcp-runtime worker --help" for usage.' : "";
    io.stderr(`mcp-runtime: ${health.message}${hint}\n`);
    return health.exitCode;
  }
  const chosen = await loadCommandConfig(values.config === undefined ? [] : ["--config", values.config]);
  if (!chosen.ok) return chosen.exitCode === EXIT.usage ? EXIT.usage : EXIT.failed;
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
    return EXIT.failed;
  }
  let runtime: Awaited<ReturnType<typeof createRuntime>>;
  try {
    runtime = await createRuntime({ config, baseDir: loaded.baseDir, logger, role: "worker" });
  } catch (cause) {
    logger.error({ msg: "start-up failed", error: cause instanceof Error ? cause.message : String(cause) });
    logger.flush();
    return EXIT.unavailable;
  }
  // Handlers first: a supervisor may send SIGTERM as soon as it reads the ready line, and a signal
  // with no listener yet would kill the process instead of draining it.
  const stopped = new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  let probes: WorkerHealthServer | undefined;
  if (health.port !== undefined) {
    // The host follows serve's rules: --health-host, else MCP_HOST, else server.host (127.0.0.1).
    const host = values.healthHost ?? config.server.host;
    try {
      probes = await startWorkerHealth({
        host,
        port: health.port,
        readiness: () => runtime.tasks.workerHealth(),
        metrics: runtime.metrics,
        logger,
      });
    } catch (cause) {
      logger.error({
        msg: "cannot listen",
        host,
        port: health.port,
        error: cause instanceof Error ? cause.message : String(cause),
      });
      await runtime.close();
      logger.flush();
      return EXIT.unavailable;
    }
    logger.info({ msg: "worker health listening", url: probes.url });
  }
  logger.flush();
  // The ready line (plain text on stderr) is the contract supervisors and tests wait for.
  io.stderr(`mcp-runtime worker ready (pid ${process.pid}, concurrency ${config.queue.concurrency})\n`);
  const signal = await stopped;
  probes?.draining();
  logger.info({ msg: "draining", signal, graceMs: config.server.shutdownGraceMs });
  // Running jobs get server.shutdownGraceMs; those still running then are abandoned to BullMQ's
  // stalled-job check, which hands them to another worker (see @mcp-runtime/queue closeGraceMs).
  await runtime.close();
  await probes?.close();
  logger.info({ msg: "stopped" });
  logger.flush();
  return EXIT.ok;
}
