/**
 * @module The status frame a runtime sends the sidecar every second: sessions, requests in
 * flight, queue counts, sandbox pools, upstreams, evals. Built from cheap reads; only the queue
 * counts are asynchronous (BullMQ asks Redis), and a queue that cannot answer leaves them out.
 */
import type { QueueMetrics } from "@mcp-runtime/queue";
import type { PoolHealth } from "@mcp-runtime/sandbox";
import type { StatusEval, StatusMessage, StatusUpstream } from "@mcp-runtime/telemetry";
import type { UpstreamHealth } from "../upstreams/types.js";

export interface StatusSources {
  role: "serve" | "worker";
  /** epoch ms the process started */
  startedAt: number;
  sessions(): number;
  inFlight(): number;
  queue(): Promise<QueueMetrics | undefined>;
  sandboxes(): readonly PoolHealth[];
  upstreams(): readonly UpstreamHealth[];
  evals(): readonly StatusEval[];
  configVersion(): string | undefined;
}

export async function buildStatus(sources: StatusSources): Promise<StatusMessage> {
  const queue = await sources.queue().catch(() => undefined);
  const configVersion = sources.configVersion();
  return {
    type: "status",
    ts: Date.now(),
    role: sources.role,
    sessions: sources.sessions(),
    inFlight: sources.inFlight(),
    ...(queue === undefined
      ? {}
      : {
          queue: {
            waiting: queue.waiting,
            active: queue.active,
            completed: queue.completed,
            failed: queue.failed,
            delayed: queue.delayed,
          },
        }),
    sandboxes: sources.sandboxes().map(({ plugin, mode, breaker, workers, ready, crashes, restarts }) => ({
      plugin,
      mode,
      breaker,
      workers,
      ready,
      crashes,
      restarts,
    })),
    upstreams: sources.upstreams().map(upstreamStatus),
    evals: [...sources.evals()],
    ...(configVersion === undefined ? {} : { configVersion }),
    startedAt: sources.startedAt,
  };
}

function upstreamStatus(health: UpstreamHealth): StatusUpstream {
  const { id, kind, state, sessions, restarts, lastError } = health;
  return { id, kind, state, sessions, restarts, ...(lastError === undefined ? {} : { lastError }) };
}
