/**
 * Batching and coalescing end to end: the real CLI over HTTP with BullMQ on a real Redis. Task
 * calls to a batchable tool get their own tasks (tasks/get per task), grouped into
 * ceil(N/maxSize) jobs of the shared queue; identical inline calls from clients without the tasks
 * extension share one execution.
 */
import { fileURLToPath } from "node:url";
import { BullMqJobQueue } from "@mcp-runtime/queue/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOL_QUEUE_NAME } from "../src/queue/task-runtime.js";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { modernCall } from "./support/modern-call.js";
import { assertBuilt } from "./support/paths.js";
import { startRedis, type TestRedis } from "./support/queue-redis.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/batching", import.meta.url));

let redis: TestRedis;
let node: HttpRuntime;
let reader: BullMqJobQueue<unknown, unknown>;
beforeAll(async () => {
  assertBuilt();
  redis = await startRedis();
  node = await startHttpRuntime({
    plugins: [{ path: FIXTURE }],
    queue: { backend: "bullmq" },
    redis: { url: redis.url },
  });
  reader = new BullMqJobQueue({ name: TOOL_QUEUE_NAME, url: redis.url });
});
afterAll(async () => {
  await reader?.close();
  await node?.stop();
  await redis?.stop();
});

describe("batching and coalescing over HTTP with BullMQ", () => {
  it("8 concurrent task calls to a batchable tool: 8 tasks, 2 jobs, each tasks/get with its own result", async () => {
    const before = await reader.metrics();
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        modernCall(node.url, "tools/call", { name: "double", arguments: { n } }, { name: "double" }),
      ),
    );
    for (const task of created) expect(task.resultType).toBe("task");
    const ids = created.map((t) => String(t.taskId));
    expect(new Set(ids.map((id) => id.split(".")[0])).size).toBe(2);
    const done = await Promise.all(
      ids.map(async (taskId) => {
        for (let i = 0; i < 50; i++) {
          const view = await modernCall(node.url, "tasks/get", { taskId }, { name: taskId });
          if (view.status !== "working") return view;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`task ${taskId} still working`);
      }),
    );
    done.forEach((view, n) => {
      expect(view.status).toBe("completed");
      expect((view.result as { structuredContent?: unknown }).structuredContent).toEqual({
        n,
        doubled: n * 2,
      });
    });
    expect((await reader.metrics()).completed - before.completed).toBe(2);
  });

  it("20 identical concurrent inline calls to an idempotent tool: one execution, 20 equal results", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        modernCall(
          node.url,
          "tools/call",
          { name: "probe", arguments: { key: "http", ms: 500 } },
          { name: "probe", tasks: false },
        ),
      ),
    );
    const runs = results.map((r) => (r.structuredContent as { run?: string } | undefined)?.run);
    expect(runs.every((run) => typeof run === "string")).toBe(true);
    expect(new Set(runs).size).toBe(1);
  });
});
