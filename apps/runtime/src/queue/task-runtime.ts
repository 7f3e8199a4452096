/**
 * @module The runtime's queue: builds the configured backend (memory, or BullMQ on redis.url),
 * the task backend the protocol server uses, and the worker that runs tool jobs through the same
 * catalogue (and so the same executor) as inline calls.
 */
import type { RuntimeConfig } from "@mcp-runtime/config";
import type { PluginManifest } from "@mcp-runtime/plugin-sdk/host";
import type { Catalog, TaskBackend } from "@mcp-runtime/protocol";
import {
  type JobShareStore,
  type JobWorker,
  MemoryJobQueue,
  MemoryJobShareStore,
  type QueueMetrics,
  type WorkerHealth,
} from "@mcp-runtime/queue";
import { runToolJob } from "./batch-execution.js";
import { QueueTaskBackend, type ToolJobQueue } from "./task-backend.js";
import { type ToolJobPolicy, toolPolicies } from "./tool-policies.js";

export const TOOL_QUEUE_NAME = "mcp-runtime-tools";

export interface TaskRuntime {
  readonly backend: TaskBackend;
  readonly queue: ToolJobQueue;
  addPlugin(manifest: PluginManifest): void;
  /** starts consuming jobs in this process */
  startWorker(catalog: Catalog): void;
  /** this process's worker: consuming and connected (undefined until `startWorker`) */
  workerHealth(): WorkerHealth | undefined;
  /**
   * Queue counts `{ waiting, active, completed, failed, delayed }` for a metrics exporter (sidecar);
   * completed/failed include finished jobs still within the result TTL. With BullMQ the counts are
   * the whole shared queue, not just this node's jobs.
   */
  metrics(): Promise<QueueMetrics>;
  close(): Promise<void>;
}

function positiveEnv(env: NodeJS.ProcessEnv, key: string): number | undefined {
  const value = Number(env[key]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Builds the queue; the BullMQ backend (and bullmq/ioredis) is only loaded when configured. */
export async function createTaskRuntime(
  config: RuntimeConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TaskRuntime> {
  const { queue: settings } = config;
  const resultTtlMs = settings.resultTtlSeconds * 1000;
  let queue: ToolJobQueue;
  let shares: JobShareStore;
  if (settings.backend === "bullmq") {
    const url = config.redis.url ?? env.REDIS_URL;
    // The config schema already requires redis.url for bullmq; this guards direct callers.
    if (!url) throw new Error('queue.backend "bullmq" needs redis.url (or REDIS_URL)');
    const { BullMqJobQueue, RedisJobShareStore } = await import("@mcp-runtime/queue/redis");
    const lockDurationMs = positiveEnv(env, "MCP_QUEUE_LOCK_MS");
    queue = new BullMqJobQueue({
      name: TOOL_QUEUE_NAME,
      url,
      resultTtlMs,
      // SIGTERM: running jobs get the same grace as HTTP requests, then go back to the queue.
      closeGraceMs: config.server.shutdownGraceMs,
      ...(lockDurationMs ? { lockDurationMs } : {}),
    });
    shares = new RedisJobShareStore({ url });
  } else {
    queue = new MemoryJobQueue({ name: TOOL_QUEUE_NAME, resultTtlMs });
    shares = new MemoryJobShareStore();
  }
  const policies = new Map<string, ToolJobPolicy>();
  const backend = new QueueTaskBackend(queue, policies, settings.resultTtlSeconds, shares);
  let worker: JobWorker | undefined;
  return {
    backend,
    queue,
    addPlugin(manifest) {
      for (const [name, policy] of toolPolicies(manifest, settings.longCallMs)) policies.set(name, policy);
    },
    startWorker(catalog) {
      worker ??= queue.work((job) => runToolJob(catalog, job), {
        concurrency: settings.concurrency,
      });
    },
    workerHealth: () => worker?.health(),
    metrics: () => queue.metrics(),
    async close() {
      await backend.drain().catch(() => {});
      await worker?.close();
      await queue.close();
      await shares.close();
    },
  };
}
