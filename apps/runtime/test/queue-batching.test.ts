/**
 * Batching and coalescing of queued tool calls, on the runtime's own task backend (the one
 * tasks/get, tasks/cancel and inline waits use) with the fixture plugin in real sandbox workers,
 * on the memory queue and on BullMQ against a real Redis.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfigOrThrow } from "@mcp-runtime/config";
import type { TaskCall, TaskView } from "@mcp-runtime/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import { createRuntime, type Runtime } from "../src/runtime.js";
import { startRedis, type TestRedis } from "./support/queue-redis.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/batching", import.meta.url));
/** the fixture's `double` window */
const MAX_SIZE = 4;
const MAX_WAIT_MS = 300;

let redis: TestRedis;
let dir: string;
beforeAll(async () => {
  redis = await startRedis();
  dir = await mkdtemp(join(tmpdir(), "mcp-queue-batching-"));
});
afterAll(async () => {
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function call(tool: string, args: Record<string, unknown>, owner = "anonymous"): TaskCall {
  return {
    tool,
    arguments: args as TaskCall["arguments"],
    owner,
    protocolVersion: "2026-07-28",
    clientCapabilities: { extensions: { "io.modelcontextprotocol/tasks": {} } },
    inputResponses: {},
  };
}

async function finished(runtime: Runtime, taskId: string, owner = "anonymous"): Promise<TaskView> {
  const settled = await runtime.tasks.backend.settle(taskId, owner, 15_000);
  if (!settled) throw new Error(`task ${taskId} not found`);
  // tasks/get answers per task, whatever job it ran in.
  return (await runtime.tasks.backend.get(taskId, owner)) ?? settled;
}

function structured(view: TaskView): Record<string, unknown> {
  return (view.result?.structuredContent ?? {}) as Record<string, unknown>;
}

const backends: [string, () => Record<string, unknown>][] = [
  ["memory", () => ({ queue: { backend: "memory" } })],
  ["bullmq", () => ({ queue: { backend: "bullmq" }, redis: { url: redis.url } })],
];

describe.each(backends)("batching and coalescing on %s", (name, settings) => {
  let runtime: Runtime;
  beforeAll(async () => {
    const file = join(dir, `${name}.json`);
    await writeFile(file, JSON.stringify({ plugins: [{ path: FIXTURE }], ...settings() }));
    const { config } = await loadConfigOrThrow({ file, env: {} });
    runtime = await createRuntime({ config, baseDir: dir, logger: createLogger({ level: "error" }) });
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it("groups N concurrent calls to a batchable tool into ceil(N/maxSize) jobs, each caller with its own result", async () => {
    const n = 10;
    const before = await runtime.tasks.metrics();
    const pickedUp = new Set<string>();
    const off = runtime.tasks.queue.onEvent((e) => e.type === "active" && pickedUp.add(e.jobId));
    try {
      const created = await Promise.all(
        Array.from({ length: n }, (_, i) => runtime.tasks.backend.submit(call("double", { n: i }))),
      );
      const taskIds = created.map((t) => t.taskId);
      expect(new Set(taskIds).size).toBe(n);
      const jobIds = new Set(taskIds.map((id) => id.split(".")[0]));
      expect(jobIds.size).toBe(Math.ceil(n / MAX_SIZE));
      const views = await Promise.all(taskIds.map((id) => finished(runtime, id)));
      views.forEach((view, i) => {
        expect(view.taskId).toBe(taskIds[i]);
        expect(view.status).toBe("completed");
        expect(structured(view)).toEqual({ n: i, doubled: i * 2 });
      });
      const after = await runtime.tasks.metrics();
      expect(after.completed - before.completed).toBe(Math.ceil(n / MAX_SIZE));
      for (const jobId of jobIds) {
        const job = await runtime.tasks.queue.get(jobId as string);
        expect(job?.attemptsMade).toBe(1);
      }
      if (name === "memory") expect(pickedUp).toEqual(jobIds);
    } finally {
      off();
    }
  });

  it("flushes a lone call after maxWaitMs and gives it its result", async () => {
    const started = Date.now();
    const task = await runtime.tasks.backend.submit(call("double", { n: 21 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(MAX_WAIT_MS - 20);
    const view = await finished(runtime, task.taskId);
    expect(structured(view)).toEqual({ n: 21, doubled: 42 });
  });

  it("keeps batch members apart: one owner cannot read another's call, a cancelled member does not stop the rest", async () => {
    const [mine, theirs, other] = await Promise.all([
      runtime.tasks.backend.submit(call("double", { n: 1 }, "sub:alice")),
      runtime.tasks.backend.submit(call("double", { n: 2 }, "sub:bob")),
      runtime.tasks.backend.submit(call("double", { n: 3 }, "sub:alice")),
    ]);
    expect(await runtime.tasks.backend.get(theirs.taskId, "sub:alice")).toBeUndefined();
    expect(await runtime.tasks.backend.cancel(other.taskId, "sub:alice")).toBe(true);
    expect((await runtime.tasks.backend.get(other.taskId, "sub:alice"))?.status).toBe("cancelled");
    expect(structured(await finished(runtime, mine.taskId, "sub:alice"))).toEqual({ n: 1, doubled: 2 });
    expect(structured(await finished(runtime, theirs.taskId, "sub:bob"))).toEqual({ n: 2, doubled: 4 });
    expect((await finished(runtime, other.taskId, "sub:alice")).status).toBe("cancelled");
  });

  it("coalesces 20 identical concurrent idempotent calls into one execution with 20 task ids", async () => {
    const key = `same-${name}`;
    // Same arguments with keys in a different order: the same call.
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runtime.tasks.backend.submit(
          call(
            "probe",
            i % 2 === 0 ? { key, ms: 400, opts: { a: 1, b: 2 } } : { opts: { b: 2, a: 1 }, ms: 400, key },
          ),
        ),
      ),
    );
    expect(new Set(created.map((t) => t.taskId)).size).toBe(20);
    const views = await Promise.all(created.map((t) => finished(runtime, t.taskId)));
    for (const view of views) {
      expect(view.status).toBe("completed");
      expect(structured(view).key).toBe(key);
    }
    expect(new Set(views.map((v) => structured(v).run)).size).toBe(1);
  });

  it("runs different arguments and different subjects separately, and never shares a task across subjects", async () => {
    const submit = (key: string, owner: string) =>
      runtime.tasks.backend.submit(call("probe", { key, ms: 300 }, owner));
    const tasks = await Promise.all([
      submit("x", "sub:alice"),
      submit("x", "sub:alice"),
      submit("y", "sub:alice"),
      submit("x", "sub:bob"),
    ]);
    const [a1, a2, ay, bx] = await Promise.all(
      tasks.map((t, i) => finished(runtime, t.taskId, i === 3 ? "sub:bob" : "sub:alice")),
    );
    const run = (v: TaskView | undefined) => (v ? structured(v).run : undefined);
    expect(run(a1)).toBe(run(a2));
    expect(run(ay)).not.toBe(run(a1));
    expect(run(bx)).not.toBe(run(a1));
    expect(new Set([run(a1), run(ay), run(bx)]).size).toBe(3);
    expect(await runtime.tasks.backend.get(tasks[0]?.taskId ?? "", "sub:bob")).toBeUndefined();
  });

  it("a coalesced caller that cancels detaches alone; the last one to cancel stops the execution", async () => {
    const args = { key: `cancel-${name}`, ms: 5_000 };
    const [first, second] = await Promise.all([
      runtime.tasks.backend.submit(call("probe", args)),
      runtime.tasks.backend.submit(call("probe", args)),
    ]);
    const jobId = first.taskId.split(".")[0] as string;
    expect(second.taskId.split(".")[0]).toBe(jobId);
    await runtime.tasks.queue.waitFor(jobId, (j) => j.state === "active", 5_000);
    await runtime.tasks.backend.cancel(first.taskId, "anonymous");
    expect((await runtime.tasks.backend.get(first.taskId, "anonymous"))?.status).toBe("cancelled");
    expect((await runtime.tasks.backend.get(second.taskId, "anonymous"))?.status).toBe("working");
    await runtime.tasks.backend.cancel(second.taskId, "anonymous");
    const job = await runtime.tasks.queue.waitFor(jobId, (j) => j.state === "cancelled", 5_000);
    expect(job?.state).toBe("cancelled");
    // A new identical call after the cancel starts afresh instead of attaching to the dead job.
    const third = await runtime.tasks.backend.submit(call("probe", { ...args, ms: 100 }));
    expect((await finished(runtime, third.taskId)).status).toBe("completed");
  });
});
