/**
 * `runtime.tasks.metrics()`: the queue counts (waiting, active, completed, failed, delayed) a
 * metrics sidecar exports, read from the task runtime the config builds, on both backends.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfigOrThrow } from "@mcp-runtime/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTaskRuntime } from "../src/queue/task-runtime.js";
import { startRedis, type TestRedis } from "./support/queue-redis.js";

let redis: TestRedis;
let dir: string;
beforeAll(async () => {
  redis = await startRedis();
  dir = await mkdtemp(join(tmpdir(), "mcp-queue-metrics-"));
});
afterAll(async () => {
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const backends: [string, () => Record<string, unknown>][] = [
  ["memory", () => ({ queue: { backend: "memory" } })],
  ["bullmq", () => ({ queue: { backend: "bullmq" }, redis: { url: redis.url } })],
];

describe.each(backends)("runtime.tasks.metrics() on %s", (name, settings) => {
  it("counts waiting, active, completed and failed jobs as they move", async () => {
    const file = join(dir, `${name}.json`);
    await writeFile(file, JSON.stringify(settings()));
    const { config } = await loadConfigOrThrow({ file, env: {} });
    const tasks = await createTaskRuntime(config, {});
    const call = (tool: string) => ({
      tool,
      arguments: {},
      owner: "anonymous",
      protocolVersion: "2026-07-28",
      clientCapabilities: {},
      inputResponses: {},
    });
    try {
      const id = () => `m-${Math.random().toString(36).slice(2)}`;
      const ids = [id(), id(), id()];
      await tasks.queue.enqueue({ id: ids[0] as string, name: "ok", payload: call("ok") });
      await tasks.queue.enqueue({ id: ids[1] as string, name: "fail", payload: call("fail") });
      await tasks.queue.enqueue({ id: ids[2] as string, name: "hold", payload: call("hold") });
      expect(await tasks.metrics()).toMatchObject({ waiting: 3, active: 0, completed: 0, failed: 0 });
      let release: (() => void) | undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const worker = tasks.queue.work(async (job) => {
        if (job.name === "fail") throw new Error("fails on purpose");
        if (job.name === "hold") await held;
        return { kind: "result", result: {} };
      });
      try {
        await tasks.queue.waitFor(ids[2] as string, (j) => j.state === "active", 5_000);
        await tasks.queue.waitFor(ids[1] as string, (j) => j.state === "failed", 5_000);
        await tasks.queue.waitFor(ids[0] as string, (j) => j.state === "completed", 5_000);
        expect(await tasks.metrics()).toMatchObject({ waiting: 0, active: 1, completed: 1, failed: 1 });
        release?.();
        await tasks.queue.waitFor(ids[2] as string, (j) => j.state === "completed", 5_000);
        expect(await tasks.metrics()).toMatchObject({ waiting: 0, active: 0, completed: 2, failed: 1 });
      } finally {
        release?.();
        await worker.close();
      }
    } finally {
      await tasks.close();
    }
  });
});
