/**
 * Acceptance 3 of the queue: two real `mcp-runtime worker` processes on the test's own Redis, a
 * serving node that executes nothing (MCP_QUEUE_WORKER=off), and one worker SIGKILLed mid-job.
 * Its idempotent jobs run again on the other worker; its non-idempotent ones fail with
 * ERR_WORKER_LOST; every submitted job reaches a terminal state.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BullMqJobQueue } from "@mcp-runtime/queue/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { modernCall } from "./support/modern-call.js";
import { assertBuilt, CLI_PATH } from "./support/paths.js";
import { startRedis, type TestRedis } from "./support/queue-redis.js";

/** the runtime's queue name (apps/runtime/src/queue/task-runtime.ts) */
const TOOL_QUEUE = "mcp-runtime-tools";

async function until(probe: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface WorkerProcess {
  readonly child: ChildProcess;
  stderr(): string;
}

async function startWorker(
  configPath: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<WorkerProcess> {
  // A 1 s lock: a SIGKILLed worker's jobs are noticed within about 2 s instead of 30 s.
  const child = spawn(process.execPath, [CLI_PATH, "worker", "--config", configPath, ...extraArgs], {
    env: { ...process.env, MCP_QUEUE_LOCK_MS: "1000", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}:\n${stderr}`);
      return stderr.includes("mcp-runtime worker ready");
    },
    15_000,
    "the worker's ready line",
  );
  return { child, stderr: () => stderr };
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

/** The health URL from the worker's JSON log line (needs LOG_LEVEL=info). */
function healthUrl(worker: WorkerProcess): string {
  const line = worker
    .stderr()
    .split("\n")
    .find((l) => l.includes('"worker health listening"'));
  if (line === undefined) throw new Error(`no health URL logged:\n${worker.stderr()}`);
  return String((JSON.parse(line) as { url: string }).url);
}

/** Starts a serving node that executes nothing (MCP_QUEUE_WORKER=off): jobs run on workers only. */
async function startServingNode(config: Record<string, unknown>): Promise<HttpRuntime> {
  const previous = process.env.MCP_QUEUE_WORKER;
  process.env.MCP_QUEUE_WORKER = "off";
  try {
    return await startHttpRuntime(config);
  } finally {
    if (previous === undefined) delete process.env.MCP_QUEUE_WORKER;
    else process.env.MCP_QUEUE_WORKER = previous;
  }
}

let redis: TestRedis;
let dir: string;
beforeAll(async () => {
  assertBuilt();
  redis = await startRedis();
  dir = await mkdtemp(join(tmpdir(), "mcp-queue-workers-"));
});
afterAll(async () => {
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("two mcp-runtime worker processes on BullMQ", () => {
  it("a worker SIGKILLed mid-job: idempotent jobs finish on the other, non-idempotent ones fail with ERR_WORKER_LOST, none lost", async () => {
    const config = {
      telemetry: { logLevel: "warn" },
      plugins: [{ package: "@mcp-runtime/plugin-conformance" }],
      queue: { backend: "bullmq", concurrency: 4 },
      redis: { url: redis.url },
    };
    const configPath = join(dir, "worker.json");
    await writeFile(configPath, JSON.stringify(config));
    const serve = await startServingNode(config);
    const probe = new BullMqJobQueue({ name: TOOL_QUEUE, url: redis.url });
    const workers: WorkerProcess[] = [];
    try {
      const url = serve.url;
      const submit = async (name: string, args: Record<string, unknown>) => {
        const created = await modernCall(url, "tools/call", { name, arguments: args }, { name });
        expect(created.resultType).toBe("task");
        return String(created.taskId);
      };
      const doomed = await startWorker(configPath);
      workers.push(doomed);
      // Four jobs fill the first worker's four slots.
      const idempotent = [
        await submit("slow_compute", { seconds: 4, label: "i1" }),
        await submit("slow_compute", { seconds: 4, label: "i2" }),
      ];
      const nonIdempotent = [
        await submit("slow_send", { seconds: 4 }),
        await submit("slow_send", { seconds: 4 }),
      ];
      await until(
        async () =>
          (await Promise.all([...idempotent, ...nonIdempotent].map((id) => probe.get(id)))).every(
            (j) => j?.state === "active",
          ),
        10_000,
        "all four jobs active on the first worker",
      );
      // Two more wait; the second worker takes them.
      const queued = [
        await submit("slow_compute", { seconds: 1, label: "q1" }),
        await submit("slow_compute", { seconds: 1, label: "q2" }),
      ];
      workers.push(await startWorker(configPath));
      await stop(doomed.child, "SIGKILL");
      const killedAt = Date.now();

      const all = [...idempotent, ...nonIdempotent, ...queued];
      const final = new Map<string, Record<string, unknown>>();
      await until(
        async () => {
          for (const id of all) {
            if (final.has(id)) continue;
            const task = await modernCall(url, "tasks/get", { taskId: id }, { name: id });
            if (["completed", "failed", "cancelled"].includes(String(task.status))) final.set(id, task);
          }
          return final.size === all.length;
        },
        30_000,
        "every submitted job to finish",
      );
      for (const id of [...idempotent, ...queued]) {
        expect(final.get(id)?.status, `idempotent job ${id}`).toBe("completed");
        expect(JSON.stringify(final.get(id)?.result)).toContain("Computed");
      }
      for (const id of nonIdempotent) {
        expect(final.get(id)?.status, `non-idempotent job ${id}`).toBe("failed");
        expect(String(final.get(id)?.statusMessage)).toContain("ERR_WORKER_LOST");
      }
      const counts = await probe.metrics();
      expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
      expect(counts.completed + counts.failed).toBe(all.length);
      process.stderr.write(
        `workers: submitted ${all.length}, completed ${counts.completed}, failed ${counts.failed}, all settled ${Date.now() - killedAt} ms after SIGKILL\n`,
      );
    } finally {
      await Promise.all(workers.map((w) => stop(w.child, "SIGTERM")));
      await probe.close();
      await serve.stop();
    }
  }, 60_000);

  it("SIGTERM mid-job with a short grace: probes go draining, the worker exits 0 promptly, and another worker completes the job", async () => {
    const config = {
      telemetry: { logLevel: "warn" },
      server: { shutdownGraceMs: 500 },
      plugins: [{ package: "@mcp-runtime/plugin-conformance" }],
      queue: { backend: "bullmq", concurrency: 2 },
      redis: { url: redis.url },
    };
    const configPath = join(dir, "drain.json");
    await writeFile(configPath, JSON.stringify(config));
    const serve = await startServingNode(config);
    const probe = new BullMqJobQueue({ name: TOOL_QUEUE, url: redis.url });
    const workers: WorkerProcess[] = [];
    try {
      const first = await startWorker(configPath, ["--health-port", "0"], { LOG_LEVEL: "info" });
      workers.push(first);
      const health = healthUrl(first);
      expect(new URL(health).hostname).toBe("127.0.0.1");
      const healthz = await fetch(`${health}/healthz`);
      expect([healthz.status, await healthz.json()]).toEqual([200, { status: "ok" }]);
      const ready = await fetch(`${health}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([200, { status: "ok" }]);
      const metrics = await fetch(`${health}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain("mcp_queue_jobs");
      expect((await fetch(`${health}/nope`)).status).toBe(404);
      expect((await fetch(`${health}/readyz`, { method: "POST" })).status).toBe(405);

      const created = await modernCall(
        serve.url,
        "tools/call",
        { name: "slow_compute", arguments: { seconds: 3, label: "drained" } },
        { name: "slow_compute" },
      );
      const taskId = String(created.taskId);
      await until(async () => (await probe.get(taskId))?.state === "active", 10_000, "the job active");

      const exited = new Promise<number | null>((resolve) => first.child.once("exit", resolve));
      const signalledAt = Date.now();
      first.child.kill("SIGTERM");
      // Within the 500 ms grace the worker is still up and says it is draining (polled: the signal
      // reaches the process asynchronously, and a loaded machine may answer one probe before it).
      let draining: [number, unknown] = [0, undefined];
      for (let i = 0; i < 20 && draining[0] !== 503; i++) {
        const probed = await fetch(`${health}/readyz`).catch(() => undefined);
        if (probed === undefined) break;
        draining = [probed.status, await probed.json()];
        if (draining[0] !== 503) await new Promise((r) => setTimeout(r, 20));
      }
      expect(draining).toEqual([503, { status: "draining" }]);
      expect(await exited).toBe(0);
      const drainMs = Date.now() - signalledAt;
      expect(drainMs).toBeLessThan(2_500);

      // Abandoned, not failed: once its lock lapses another worker takes it and completes it.
      expect((await probe.get(taskId))?.state).toBe("active");
      workers.push(await startWorker(configPath));
      let task: Record<string, unknown> = {};
      await until(
        async () => {
          task = await modernCall(serve.url, "tasks/get", { taskId }, { name: taskId });
          return ["completed", "failed", "cancelled"].includes(String(task.status));
        },
        20_000,
        "the abandoned job to finish on the second worker",
      );
      expect(task.status).toBe("completed");
      expect(JSON.stringify(task.result)).toContain("Computed drained");
      process.stderr.write(`workers: SIGTERM with 500 ms grace exited after ${drainMs} ms\n`);
    } finally {
      await Promise.all(workers.map((w) => stop(w.child, "SIGTERM")));
      await probe.close();
      await serve.stop();
    }
  }, 60_000);
});
