/**
 * Long tool calls as MCP tasks through the real CLI: a 30-second tool called by a task-capable
 * client returns a task at once; its progress is visible through tasks/get (from a second runtime
 * node sharing the Redis, with the BullMQ backend); tasks/cancel stops it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { modernCall, modernPost } from "./support/modern-call.js";
import { assertBuilt } from "./support/paths.js";
import { startRedis, type TestRedis } from "./support/queue-redis.js";

/** A task-capable client's request, each with its own id. */
function call(url: string, method: string, params: Record<string, unknown>, name?: string) {
  return modernCall(url, method, params, { name, id: Math.floor(Math.random() * 1e9) });
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

let redis: TestRedis;
beforeAll(async () => {
  assertBuilt();
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const setups: [string, () => Promise<[HttpRuntime, HttpRuntime]>][] = [
  [
    "bullmq, two runtime nodes sharing Redis",
    async () => {
      const config = {
        plugins: [{ package: "@mcp-runtime/plugin-conformance" }],
        queue: { backend: "bullmq" },
        redis: { url: redis.url },
      };
      return [await startHttpRuntime(config), await startHttpRuntime(config)];
    },
  ],
  [
    "memory, one node",
    async () => {
      const node = await startHttpRuntime({ plugins: [{ package: "@mcp-runtime/plugin-conformance" }] });
      return [node, node];
    },
  ],
];

describe.each(setups)("tasks on %s", (_label, start) => {
  it("a 30 s tool returns a task at once, shows progress on tasks/get and stops on tasks/cancel", async () => {
    const [a, b] = await start();
    try {
      const started = Date.now();
      const created = await call(
        a.url,
        "tools/call",
        { name: "slow_compute", arguments: { seconds: 30, label: "long" } },
        "slow_compute",
      );
      const createMs = Date.now() - started;
      expect(created.resultType).toBe("task");
      expect(createMs).toBeLessThan(2_000);
      const taskId = String(created.taskId);
      const working = await until(
        () => call(b.url, "tasks/get", { taskId }, taskId),
        (t) => typeof t.statusMessage === "string" && t.statusMessage.includes("1/30"),
        5_000,
      );
      expect(working.status).toBe("working");
      expect(working.statusMessage).toContain("1/30");
      expect(await call(b.url, "tasks/cancel", { taskId }, taskId)).toMatchObject({ resultType: "complete" });
      const cancelled = await until(
        () => call(a.url, "tasks/get", { taskId }, taskId),
        (t) => t.status === "cancelled",
        5_000,
      );
      expect(cancelled.status).toBe("cancelled");
      process.stderr.write(
        `${_label}: task created in ${createMs} ms, cancelled ${Date.now() - started} ms after submit\n`,
      );
    } finally {
      await a.stop();
      if (b !== a) await b.stop();
    }
  }, 40_000);

  it("a task create re-sent with the same Idempotency-Key (on any node) joins the first task", async () => {
    const [a, b] = await start();
    try {
      const key = `k-${Math.random().toString(36).slice(2)}`;
      const params = { name: "slow_compute", arguments: { seconds: 30, label: "idem" } };
      const send = (url: string, idempotencyKey: string) =>
        modernCall(url, "tools/call", params, {
          name: "slow_compute",
          id: Math.floor(Math.random() * 1e9),
          headers: { "idempotency-key": idempotencyKey },
        });
      const first = await send(a.url, key);
      const again = await send(b.url, key);
      const other = await send(b.url, `${key}-other`);
      expect(first.resultType).toBe("task");
      expect(again.taskId).toBe(first.taskId);
      expect(other.taskId).not.toBe(first.taskId);
      // A malformed key is refused before anything runs.
      const refused = await modernPost(a.url, "tools/call", params, {
        name: "slow_compute",
        headers: { "idempotency-key": "" },
      });
      expect(refused.status).toBe(400);
      for (const taskId of [first.taskId, other.taskId])
        await call(a.url, "tasks/cancel", { taskId }, String(taskId));
    } finally {
      await a.stop();
      if (b !== a) await b.stop();
    }
  }, 40_000);
});
