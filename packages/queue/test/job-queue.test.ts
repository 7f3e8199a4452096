import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JobQueue, MemoryJobQueue } from "../src/index.js";
import { BullMqJobQueue } from "../src/redis.js";
import { startRedis, type TestRedis } from "./support/redis.js";

type Payload = { ms: number; fail?: boolean; ask?: boolean };
type Result = { done: number; answer?: unknown };

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const backends: [string, () => JobQueue<Payload, Result>][] = [
  ["memory", () => new MemoryJobQueue({ name: `test-${randomUUID()}`, resultTtlMs: 60_000 })],
  [
    "bullmq",
    () =>
      new BullMqJobQueue({ name: `test-${randomUUID()}`, url: redis.url, resultTtlMs: 60_000, pollMs: 50 }),
  ],
];

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new Error("aborted"));
    });
  });
}

describe.each(backends)("JobQueue on %s", (_name, make) => {
  it("runs a job, publishes progress any reader sees, and keeps the result", async () => {
    const queue = make();
    const worker = queue.work(async (job) => {
      await job.progress({ step: 1 });
      await sleep(job.payload.ms, job.signal);
      return { done: job.payload.ms };
    });
    try {
      await queue.enqueue({ id: "a1", name: "t", payload: { ms: 300 } });
      const working = await queue.waitFor("a1", (j) => j.progress?.step === 1, 5_000);
      expect(working?.state).toBe("active");
      const done = await queue.waitFor("a1", (j) => j.state === "completed", 5_000);
      expect(done?.result).toEqual({ done: 300 });
      expect(await queue.metrics()).toMatchObject({ completed: 1, active: 0, waiting: 0 });
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it("enqueueing an existing id returns that job instead of a second one", async () => {
    const queue = make();
    try {
      await queue.enqueue({ id: "dup", name: "t", payload: { ms: 1 } });
      await queue.enqueue({ id: "dup", name: "t", payload: { ms: 2 } });
      expect((await queue.get("dup"))?.payload.ms).toBe(1);
      expect((await queue.metrics()).waiting).toBe(1);
    } finally {
      await queue.close();
    }
  });

  it("cancels a running job cooperatively and a waiting one before it starts", async () => {
    const queue = make();
    const worker = queue.work(
      async (job) => {
        await sleep(job.payload.ms, job.signal);
        return { done: 1 };
      },
      { concurrency: 1 },
    );
    try {
      await queue.enqueue({ id: "long", name: "t", payload: { ms: 30_000 } });
      await queue.enqueue({ id: "next", name: "t", payload: { ms: 30_000 } });
      await queue.waitFor("long", (j) => j.state === "active", 5_000);
      await queue.cancel("next");
      await queue.cancel("long");
      const started = Date.now();
      expect((await queue.waitFor("long", (j) => j.state === "cancelled", 5_000))?.state).toBe("cancelled");
      expect(Date.now() - started).toBeLessThan(3_000);
      expect((await queue.get("next"))?.state).toBe("cancelled");
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it("delivers mailbox messages to the running job", async () => {
    const queue = make();
    const worker = queue.work(async (job) => {
      await job.progress({ waiting: true });
      const [message] = await job.receive();
      return { done: 1, answer: message?.answer };
    });
    try {
      await queue.enqueue({ id: "ask", name: "t", payload: { ms: 0 } });
      await queue.waitFor("ask", (j) => j.progress?.waiting === true, 5_000);
      await queue.send("ask", { answer: 42 });
      const done = await queue.waitFor("ask", (j) => j.state === "completed", 5_000);
      expect(done?.result).toEqual({ done: 1, answer: 42 });
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it("retries a failing job up to its attempts, then reports it failed", async () => {
    const queue = make();
    let runs = 0;
    const worker = queue.work(async () => {
      runs++;
      throw new Error("boom");
    });
    try {
      await queue.enqueue({ id: "f", name: "t", payload: { ms: 0 }, retry: { attempts: 3, backoffMs: 10 } });
      const failed = await queue.waitFor("f", (j) => j.state === "failed", 10_000);
      expect(failed?.error?.message).toContain("boom");
      expect(runs).toBe(3);
      expect(await queue.metrics()).toMatchObject({ failed: 1, active: 0, waiting: 0 });
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it("never reports a job completed without its result while it finishes under concurrent reads", async () => {
    const queue = make();
    const worker = queue.work(async (job) => {
      await sleep(job.payload.ms, job.signal);
      return { done: job.payload.ms };
    });
    const ids = Array.from({ length: 40 }, (_, i) => `r${i}`);
    try {
      for (const [i, id] of ids.entries())
        await queue.enqueue({ id, name: "t", payload: { ms: 5 + (i % 7) * 3 } });
      const torn: string[] = [];
      let reads = 0;
      const open = new Set(ids);
      const end = Date.now() + 15_000;
      while (open.size > 0 && Date.now() < end) {
        // setImmediate: the memory backend's get() never leaves the microtask queue, its timers would starve
        await new Promise((resolve) => setImmediate(resolve));
        const snapshots = await Promise.all([...open].map((id) => queue.get(id)));
        for (const job of snapshots) {
          reads++;
          if (!job) continue;
          if (job.state === "completed" && job.result === undefined) torn.push(job.id);
          if (job.state === "completed") open.delete(job.id);
        }
      }
      expect(open.size).toBe(0);
      expect(torn, `${torn.length} torn reads of ${reads}`).toEqual([]);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
