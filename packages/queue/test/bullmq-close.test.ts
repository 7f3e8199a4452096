/**
 * Closing a BullMQ worker is bounded by `closeGraceMs`: a job that outlives the grace is abandoned
 * (not completed, not failed) and another worker runs it after the stalled-job check; a job that
 * ends within the grace is completed by the closing worker. Real Redis, one queue name per test.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BullMqJobQueue } from "../src/redis.js";
import { startRedis, type TestRedis } from "./support/redis.js";

type Payload = { ms: number };
type Result = { by: string };

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

function makeQueue(name: string, closeGraceMs: number): BullMqJobQueue<Payload, Result> {
  // A 1 s lock: an abandoned job is noticed by the stalled check within about 2 s.
  return new BullMqJobQueue({ name, url: redis.url, pollMs: 50, lockDurationMs: 1_000, closeGraceMs });
}

const idempotent = { retryOnWorkerLoss: true };

describe("BullMqJobQueue close grace", () => {
  it("a job longer than the grace is left to the stalled check and completed by another worker", async () => {
    const name = `test-${randomUUID()}`;
    const first = makeQueue(name, 300);
    const second = makeQueue(name, 300);
    const never = new Promise<Result>(() => {});
    first.work(async () => never);
    try {
      await first.enqueue({ id: "long", name: "t", payload: { ms: 60_000 }, retry: idempotent });
      expect((await first.waitFor("long", (j) => j.state === "active", 5_000))?.state).toBe("active");
      const started = Date.now();
      await first.close();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await second.get("long"))?.state).toBe("active");
      const worker = second.work(async () => ({ by: "second" }));
      const done = await second.waitFor("long", (j) => j.state === "completed", 10_000);
      expect(done?.state).toBe("completed");
      expect(done?.result).toEqual({ by: "second" });
      await worker.close();
    } finally {
      await first.close();
      await second.close();
    }
  }, 20_000);

  it("a job that ends within the grace completes on the closing worker, and health turns not ready", async () => {
    const name = `test-${randomUUID()}`;
    const queue = makeQueue(name, 5_000);
    const probe = makeQueue(name, 0);
    const worker = queue.work(async (job) => {
      await new Promise((r) => setTimeout(r, job.payload.ms));
      return { by: "first" };
    });
    try {
      await queue.enqueue({ id: "short", name: "t", payload: { ms: 500 } });
      await queue.waitFor("short", (j) => j.state === "active", 5_000);
      expect(worker.health()).toEqual({ ready: true });
      const closing = worker.close();
      expect(worker.health()).toEqual({ ready: false, reason: "worker closing" });
      await closing;
      const job = await probe.get("short");
      expect(job?.state).toBe("completed");
      expect(job?.result).toEqual({ by: "first" });
    } finally {
      await queue.close();
      await probe.close();
    }
  }, 20_000);
});
