/** The coalescing claim and the member sets behind shared jobs, on both stores (real Redis). */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JobShareStore, MemoryJobShareStore } from "../src/index.js";
import { RedisJobShareStore } from "../src/redis.js";
import { startRedis, type TestRedis } from "./support/redis.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const stores: [string, () => JobShareStore][] = [
  ["memory", () => new MemoryJobShareStore()],
  ["redis", () => new RedisJobShareStore({ url: redis.url, prefix: `test-${randomUUID()}` })],
];

describe.each(stores)("JobShareStore on %s", (_name, make) => {
  it("gives a key to the first claimer only, until its TTL lapses", async () => {
    const store = make();
    try {
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.claim("k", `job-${i}`, 300)),
      );
      const holder = claims[0];
      expect(new Set(claims)).toEqual(new Set([holder]));
      expect(await store.claim("other", "job-x", 300)).toBe("job-x");
      await new Promise((r) => setTimeout(r, 400));
      expect(await store.claim("k", "job-late", 300)).toBe("job-late");
    } finally {
      await store.close();
    }
  });

  it("replaces a claim only from the job the caller saw, so one of two racers wins", async () => {
    const store = make();
    try {
      await store.claim("k", "old", 10_000);
      const [a, b] = await Promise.all([
        store.replace("k", "old", "a", 10_000),
        store.replace("k", "old", "b", 10_000),
      ]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      expect(await store.claim("k", "c", 10_000)).toBe(a ? "a" : "b");
    } finally {
      await store.close();
    }
  });

  it("releases a claim only for the job holding it", async () => {
    const store = make();
    try {
      await store.claim("k", "a", 10_000);
      await store.release("k", "b");
      expect(await store.claim("k", "c", 10_000)).toBe("a");
      await store.release("k", "a");
      expect(await store.claim("k", "c", 10_000)).toBe("c");
    } finally {
      await store.close();
    }
  });

  it("counts members down as they leave and marks only the leavers detached", async () => {
    const store = make();
    try {
      await store.join("job", ["m1", "m2"], 10_000);
      await store.join("job", ["m3"], 10_000);
      expect(await store.leave("job", "m2", 10_000)).toBe(2);
      expect(await store.isDetached("m2")).toBe(true);
      expect(await store.isDetached("m1")).toBe(false);
      expect(await store.leave("job", "m1", 10_000)).toBe(1);
      expect(await store.leave("job", "m3", 10_000)).toBe(0);
    } finally {
      await store.close();
    }
  });
});
