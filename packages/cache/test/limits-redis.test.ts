/** The Redis limiter against a real redis-server: shared buckets, durable budgets, prompt failure. */
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LimitError } from "../src/limits/errors.js";
import { RedisLimiter, type RedisLimiterOptions } from "../src/limits/redis-limiter.js";
import type { BudgetRule, Verdict } from "../src/limits/types.js";
import { startRedis, type TestRedis } from "./support/redis.js";

let redis: TestRedis;
let admin: Redis;
const open: RedisLimiter[] = [];
const prefixes: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((limiter) => limiter.close()));
  for (const prefix of prefixes.splice(0)) {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  }
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

function newPrefix(): string {
  const prefix = `mcp:limits:test-${randomUUID()}:`;
  prefixes.push(prefix);
  return prefix;
}

function limiter(options: Partial<RedisLimiterOptions> = {}): RedisLimiter {
  const made = new RedisLimiter({ url: redis.url, keyPrefix: options.keyPrefix ?? newPrefix(), ...options });
  open.push(made);
  return made;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 1));
    });
  });
}

describe("RedisLimiter buckets", () => {
  it("passes a full burst, then refuses with the refill wait, then passes after it", async () => {
    const limits = limiter();
    const rate = { key: "client:a", rule: { rps: 20, burst: 2 } };
    expect(await limits.check({ rate })).toEqual({ ok: true });
    expect(await limits.check({ rate })).toEqual({ ok: true });
    const refused = (await limits.check({ rate })) as Extract<Verdict, { ok: false }>;
    expect(refused).toMatchObject({ ok: false, reason: "rate", key: "client:a" });
    // One token takes 50 ms; the few ms between calls have refilled a little of it.
    expect(refused.retryAfterMs).toBeGreaterThan(35);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(50);
    await sleep(refused.retryAfterMs + 5);
    expect((await limits.check({ rate })).ok).toBe(true);
  });

  it("refuses a cost above the burst with a full-refill wait", async () => {
    const limits = limiter();
    expect(await limits.check({ rate: { key: "k", rule: { rps: 4, burst: 2 }, cost: 3 } })).toEqual({
      ok: false,
      reason: "rate",
      key: "k",
      retryAfterMs: 500,
    });
    expect((await limits.check({ rate: { key: "k", rule: { rps: 4, burst: 2 }, cost: 2 } })).ok).toBe(true);
  });

  it("shares one bucket between nodes on separate connections", async () => {
    const keyPrefix = newPrefix();
    const nodes = [limiter({ keyPrefix }), limiter({ keyPrefix })];
    const rate = { key: "client:shared", rule: { rps: 10, burst: 10 } };
    await Promise.all(nodes.map((node) => node.used("warm-up", { limit: 1, period: "day" })));
    const started = performance.now();
    const verdicts: Promise<Verdict>[] = [];
    for (let i = 0; i < 40; i++) {
      verdicts.push((nodes[i % 2] as RedisLimiter).check({ rate }));
      await sleep(25);
    }
    const passes = (await Promise.all(verdicts)).filter((verdict) => verdict.ok).length;
    const elapsedMs = performance.now() - started;
    // The server's clock between the first and last script is within our elapsed time, so the
    // bucket can have refilled at most this many tokens on top of its burst.
    expect(passes).toBeLessThanOrEqual(10 + Math.floor((elapsedMs * 10) / 1000));
    expect(passes).toBeGreaterThanOrEqual(10);
  });
});

describe("RedisLimiter budgets", () => {
  it("allows exactly the limit, refuses until the period ends, then starts the next period at 0", async () => {
    const clock = { t: Date.parse("2026-12-06T23:00:00Z") };
    const limits = limiter({ now: () => clock.t });
    const budget = { key: "tool:search|sub:alice", rule: { limit: 3, period: "day" } satisfies BudgetRule };
    const verdicts = [];
    for (let i = 0; i < 3; i++) verdicts.push(await limits.check({ budget }));
    expect(verdicts).toEqual([1, 2, 3].map((used) => ({ ok: true, used, limit: 3 })));
    expect(await limits.check({ budget })).toEqual({
      ok: false,
      reason: "budget",
      key: budget.key,
      retryAfterMs: 3_600_000,
      used: 3,
      limit: 3,
    });
    clock.t = Date.parse("2026-12-07T00:00:00Z");
    expect(await limits.used(budget.key, budget.rule)).toBe(0);
    expect(await limits.check({ budget })).toEqual({ ok: true, used: 1, limit: 3 });
  });

  it("expires a period's counter at the period's end plus a margin", async () => {
    const clock = { t: Date.now() };
    const keyPrefix = newPrefix();
    const limits = limiter({ keyPrefix, now: () => clock.t });
    await limits.check({ budget: { key: "b", rule: { limit: 5, period: "month" }, cost: 2 } });
    const [key] = await admin.keys(`${keyPrefix}budget:*`);
    const ttl = await admin.pttl(key ?? "");
    const toEnd = new Date(clock.t);
    const endsAt = Date.UTC(toEnd.getUTCFullYear(), toEnd.getUTCMonth() + 1, 1);
    expect(ttl).toBeGreaterThan(endsAt - clock.t);
    expect(ttl).toBeLessThanOrEqual(endsAt - clock.t + 300_000);
  });

  it("keeps budgets across a new limiter (a runtime restart)", async () => {
    const keyPrefix = newPrefix();
    const budget = { key: "b", rule: { limit: 5, period: "month" } satisfies BudgetRule };
    const first = limiter({ keyPrefix });
    for (let i = 0; i < 3; i++) await first.check({ budget });
    await first.close();
    const second = limiter({ keyPrefix });
    expect(await second.used("b", budget.rule)).toBe(3);
    expect(await second.check({ budget: { ...budget, cost: 2 } })).toEqual({ ok: true, used: 5, limit: 5 });
    expect(await second.check({ budget })).toMatchObject({ ok: false, reason: "budget", used: 5 });
  });
});

describe("RedisLimiter checks are all or nothing", () => {
  it("does not take a bucket token when the budget refuses", async () => {
    const limits = limiter();
    const rate = { key: "r", rule: { rps: 0.001, burst: 1 } };
    expect(
      await limits.check({ rate, budget: { key: "b", rule: { limit: 0, period: "day" } } }),
    ).toMatchObject({
      ok: false,
      reason: "budget",
      key: "b",
    });
    expect((await limits.check({ rate })).ok).toBe(true);
  });

  it("does not charge the budget when the bucket refuses", async () => {
    const limits = limiter();
    const rate = { key: "r", rule: { rps: 0.001, burst: 1 } };
    const budget = { key: "b", rule: { limit: 5, period: "day" } satisfies BudgetRule };
    expect(await limits.check({ rate, budget })).toEqual({ ok: true, used: 1, limit: 5 });
    expect(await limits.check({ rate, budget })).toMatchObject({
      ok: false,
      reason: "rate",
      key: "r",
      used: 1,
    });
    expect(await limits.used("b", budget.rule)).toBe(1);
  });

  it("decides several buckets and budgets in one script and names the part that refused", async () => {
    const limits = limiter();
    const perClient = { key: "client:a", rule: { rps: 100, burst: 100 } };
    const perTool = { key: "tool:t", rule: { rps: 0.001, burst: 3 } };
    const daily = { key: "day:t:a", rule: { limit: 100, period: "day" } satisfies BudgetRule };
    const monthly = { key: "month:t:a", rule: { limit: 2, period: "month" } satisfies BudgetRule };
    const call = { rates: [perClient, perTool], budgets: [daily, monthly] };
    expect(await limits.check(call)).toEqual({ ok: true, used: 1, limit: 2 });
    expect(await limits.check(call)).toEqual({ ok: true, used: 2, limit: 2 });
    expect(await limits.check(call)).toMatchObject({
      ok: false,
      reason: "budget",
      key: "month:t:a",
      used: 2,
    });
    expect(await limits.used(daily.key, daily.rule)).toBe(2);
    // The refused call took no tool token: one of three is left.
    expect((await limits.check({ rate: perTool })).ok).toBe(true);
    expect(await limits.check({ rate: perTool })).toMatchObject({ ok: false, reason: "rate", key: "tool:t" });
  });

  it("rejects bad rules with ERR_LIMITS_RULE without touching Redis", async () => {
    const limits = limiter();
    const error = await rejection(limits.check({ rate: { key: "k", rule: { rps: 1, burst: 0 } } }));
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: "ERR_LIMITS_RULE" });
  });
});

describe("RedisLimiter when Redis is away", () => {
  it("rejects with ERR_LIMITS_UNAVAILABLE within the command timeout when nothing listens", async () => {
    const limits = limiter({ url: `redis://127.0.0.1:${await closedPort()}`, commandTimeoutMs: 500 });
    const started = performance.now();
    const error = await rejection(limits.check({ rate: { key: "k", rule: { rps: 1, burst: 1 } } }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: "ERR_LIMITS_UNAVAILABLE" });
  });

  it("rejects promptly while its server is down and works again, budgets intact, once it is back", async () => {
    const own = await startRedis({ appendonly: true });
    try {
      const limits = limiter({ url: own.url, commandTimeoutMs: 500 });
      const budget = { key: "b", rule: { limit: 10, period: "day" } satisfies BudgetRule };
      expect(await limits.check({ budget })).toMatchObject({ ok: true, used: 1 });
      const restarted = own.restart(2500);
      await sleep(500);
      const started = performance.now();
      const error = await rejection(limits.check({ budget }));
      // A connection lost after the first fails at once rather than after the 500 ms timeout.
      expect(performance.now() - started).toBeLessThan(250);
      expect(error).toMatchObject({ code: "ERR_LIMITS_UNAVAILABLE" });
      await restarted;
      let verdict: Verdict | undefined;
      for (let i = 0; i < 20 && verdict === undefined; i++)
        verdict = await limits.check({ budget }).catch(() => sleep(250).then(() => undefined));
      expect(verdict).toEqual({ ok: true, used: 2, limit: 10 });
    } finally {
      await own.stop();
    }
  });

  it("leaves a client it was given open, and closes one it made", async () => {
    const client = new Redis(redis.url);
    try {
      const given = new RedisLimiter({ client, keyPrefix: newPrefix() });
      expect((await given.check({ rate: { key: "k", rule: { rps: 1, burst: 1 } } })).ok).toBe(true);
      await given.close();
      expect(await client.ping()).toBe("PONG");
      await expect(given.check({ rate: { key: "k", rule: { rps: 1, burst: 1 } } })).rejects.toMatchObject({
        code: "ERR_LIMITS_UNAVAILABLE",
      });
    } finally {
      client.disconnect();
    }
    const made = limiter();
    await made.used("k", { limit: 1, period: "day" });
    await made.close();
    await expect(made.used("k", { limit: 1, period: "day" })).rejects.toMatchObject({
      code: "ERR_LIMITS_UNAVAILABLE",
    });
  });
});
