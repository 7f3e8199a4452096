/**
 * Durability at volume: 1,000 queued jobs all reach `completed` on the in-memory backend, and on
 * BullMQ across a Redis restart (AOF, appendfsync always) in the middle of the run, including jobs
 * enqueued while Redis is down (they wait for the reconnect; none vanish).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JobQueue, MemoryJobQueue } from "../src/index.js";
import { BullMqJobQueue } from "../src/redis.js";
import { startRedis, type TestRedis } from "./support/redis.js";

type Payload = { n: number };
type Result = { n: number };

const JOBS = 1_000;

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis({ appendonly: true });
});
afterAll(async () => {
  await redis?.stop();
});

async function enqueueAll(queue: JobQueue<Payload, Result>, from: number, count: number): Promise<void> {
  for (let start = from; start < from + count; start += 100) {
    const batch = Array.from({ length: Math.min(100, from + count - start) }, (_, i) => start + i);
    await Promise.all(
      batch.map((n) => queue.enqueue({ id: `j${n}`, name: "t", payload: { n }, retry: RETRY })),
    );
  }
}

/** The work is idempotent, so a job whose worker lost Redis mid-run may run again. */
const RETRY = { attempts: 3, backoffMs: 50, retryOnWorkerLoss: true };

async function waitCompleted(queue: JobQueue<Payload, Result>, total: number, ms: number): Promise<number> {
  const end = Date.now() + ms;
  for (;;) {
    const { completed } = await queue.metrics();
    if (completed >= total || Date.now() > end) return completed;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function missing(queue: JobQueue<Payload, Result>, total: number): Promise<string[]> {
  const lost: string[] = [];
  for (let n = 0; n < total; n++) {
    const job = await queue.get(`j${n}`);
    if (job?.state !== "completed" || job.result?.n !== n) lost.push(`j${n}:${job?.state ?? "gone"}`);
  }
  return lost;
}

function work(queue: JobQueue<Payload, Result>) {
  return queue.work(
    async (job) => {
      await new Promise((r) => setTimeout(r, 2));
      return { n: job.payload.n };
    },
    { concurrency: 16 },
  );
}

describe("1,000 queued jobs", () => {
  it("all complete on the in-memory backend", async () => {
    const queue = new MemoryJobQueue<Payload, Result>({ name: `test-${randomUUID()}` });
    const worker = work(queue);
    try {
      const started = Date.now();
      await enqueueAll(queue, 0, JOBS);
      expect(await waitCompleted(queue, JOBS, 20_000)).toBe(JOBS);
      expect(await missing(queue, JOBS)).toEqual([]);
      expect(await queue.metrics()).toMatchObject({ waiting: 0, active: 0, failed: 0, completed: JOBS });
      process.stderr.write(`memory: ${JOBS} jobs in ${Date.now() - started} ms\n`);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it("all complete on BullMQ when Redis (AOF) restarts mid-run, jobs enqueued while it is down included", async () => {
    const queue = new BullMqJobQueue<Payload, Result>({
      name: `test-${randomUUID()}`,
      url: redis.url,
      lockDurationMs: 2_000,
      pollMs: 100,
    });
    const worker = work(queue);
    try {
      const started = Date.now();
      await enqueueAll(queue, 0, JOBS);
      const before = await waitCompleted(queue, JOBS / 4, 20_000);
      const restart = redis.restart(1_000);
      await new Promise((r) => setTimeout(r, 200));
      // Enqueued while Redis is down: the call waits for the reconnect, then stores the job.
      const late = enqueueAll(queue, JOBS, 50);
      await restart;
      await late;
      const total = JOBS + 50;
      const completed = await waitCompleted(queue, total, 40_000);
      const lost = await missing(queue, total);
      expect(lost, `lost ${lost.length}: ${lost.slice(0, 10).join(", ")}`).toEqual([]);
      expect(completed).toBe(total);
      expect(await queue.metrics()).toMatchObject({ waiting: 0, active: 0, failed: 0, completed: total });
      process.stderr.write(
        `bullmq: ${total} jobs (${before} done before the restart) in ${Date.now() - started} ms, none lost\n`,
      );
    } finally {
      await worker.close();
      await queue.close();
    }
  }, 60_000);
});
