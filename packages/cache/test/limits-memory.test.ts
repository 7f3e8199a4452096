/** The in-process limiter: token buckets, UTC budgets, all-or-nothing checks and bounded tables. */
import { describe, expect, it } from "vitest";
import { LimitError } from "../src/limits/errors.js";
import { MemoryLimiter } from "../src/limits/memory-limiter.js";
import type { BudgetRule, RateRule, Verdict } from "../src/limits/types.js";

function clockAt(iso: string) {
  const clock = { t: Date.parse(iso), now: () => clock.t };
  return clock;
}

const TEN_A_SECOND: RateRule = { rps: 10, burst: 3 };

describe("MemoryLimiter buckets", () => {
  it("passes a full burst, then refuses with the exact refill wait", () => {
    const clock = clockAt("2026-12-06T12:00:00Z");
    const limiter = new MemoryLimiter({ now: clock.now });
    const rate = { key: "client:a", rule: TEN_A_SECOND };
    for (let i = 0; i < 3; i++) expect(limiter.check({ rate })).toEqual({ ok: true });
    expect(limiter.check({ rate })).toEqual({
      ok: false,
      reason: "rate",
      key: "client:a",
      retryAfterMs: 100,
    });
    clock.t += 40;
    expect(limiter.check({ rate })).toMatchObject({ ok: false, retryAfterMs: 60 });
    clock.t += 60;
    expect(limiter.check({ rate }).ok).toBe(true);
    expect(limiter.check({ rate }).ok).toBe(false);
  });

  it("refills continuously up to the burst and no further", () => {
    const clock = clockAt("2026-12-06T12:00:00Z");
    const limiter = new MemoryLimiter({ now: clock.now });
    const rate = { key: "k", rule: TEN_A_SECOND };
    for (let i = 0; i < 3; i++) limiter.check({ rate });
    clock.t += 250; // 2.5 tokens
    expect([1, 2, 3].map(() => limiter.check({ rate }).ok)).toEqual([true, true, false]);
    clock.t += 3_600_000; // an hour idle still holds only `burst`
    expect([1, 2, 3, 4].map(() => limiter.check({ rate }).ok)).toEqual([true, true, true, false]);
  });

  it("takes fractional and multi-token costs, and refuses a cost above the burst with a full-refill wait", () => {
    const clock = clockAt("2026-12-06T12:00:00Z");
    const limiter = new MemoryLimiter({ now: clock.now });
    const rule: RateRule = { rps: 2, burst: 4 };
    expect(limiter.check({ rate: { key: "k", rule, cost: 2.5 } }).ok).toBe(true);
    expect(limiter.check({ rate: { key: "k", rule, cost: 2 } })).toMatchObject({
      ok: false,
      retryAfterMs: 250,
    });
    expect(limiter.check({ rate: { key: "k", rule, cost: 1.5 } }).ok).toBe(true);
    // 5 > burst 4: never passes, even on a full bucket; the wait is a full refill (4 / 2 per s).
    expect(limiter.check({ rate: { key: "fresh", rule, cost: 5 } })).toEqual({
      ok: false,
      reason: "rate",
      key: "fresh",
      retryAfterMs: 2000,
    });
    expect(limiter.check({ rate: { key: "fresh", rule, cost: 4 } }).ok).toBe(true);
  });

  it("answers the common rate-only pass with one shared object", () => {
    const limiter = new MemoryLimiter();
    const rate = { key: "k", rule: { rps: 1000, burst: 100 } };
    expect(limiter.check({ rate })).toBe(limiter.check({ rate }));
    expect(Object.isFrozen(limiter.check({ rate }))).toBe(true);
  });
});

describe("MemoryLimiter budgets", () => {
  it("allows exactly the daily limit, refuses until UTC midnight, then starts again at 0", () => {
    const clock = clockAt("2026-12-06T23:00:00Z");
    const limiter = new MemoryLimiter({ now: clock.now });
    const budget = { key: "tool:search|sub:alice", rule: { limit: 3, period: "day" } satisfies BudgetRule };
    expect([1, 2, 3].map(() => limiter.check({ budget }))).toEqual([
      { ok: true, used: 1, limit: 3 },
      { ok: true, used: 2, limit: 3 },
      { ok: true, used: 3, limit: 3 },
    ]);
    expect(limiter.check({ budget })).toEqual({
      ok: false,
      reason: "budget",
      key: budget.key,
      retryAfterMs: 3_600_000,
      used: 3,
      limit: 3,
    });
    clock.t = Date.parse("2026-12-06T23:59:59.999Z");
    expect(limiter.check({ budget })).toMatchObject({ ok: false, retryAfterMs: 1 });
    clock.t = Date.parse("2026-12-07T00:00:00Z");
    expect(limiter.used(budget.key, budget.rule)).toBe(0);
    expect(limiter.check({ budget })).toEqual({ ok: true, used: 1, limit: 3 });
  });

  it("counts a monthly budget per UTC month, charging the call's cost", () => {
    const clock = clockAt("2026-12-31T12:00:00Z");
    const limiter = new MemoryLimiter({ now: clock.now });
    const budget = { key: "b", rule: { limit: 10, period: "month" } satisfies BudgetRule, cost: 4 };
    expect(limiter.check({ budget })).toEqual({ ok: true, used: 4, limit: 10 });
    expect(limiter.check({ budget })).toEqual({ ok: true, used: 8, limit: 10 });
    expect(limiter.check({ budget })).toMatchObject({ ok: false, retryAfterMs: 12 * 3_600_000, used: 8 });
    expect(limiter.check({ budget: { ...budget, cost: 2 } })).toMatchObject({ ok: true, used: 10 });
    expect(limiter.check({ budget: { ...budget, cost: 0 } })).toMatchObject({ ok: true, used: 10 });
    clock.t = Date.parse("2027-01-01T00:00:00Z");
    expect(limiter.check({ budget })).toEqual({ ok: true, used: 4, limit: 10 });
    expect(limiter.used("b", budget.rule)).toBe(4);
  });

  it("refuses everything under a limit of 0", () => {
    const clock = clockAt("2026-12-06T18:00:00Z");
    const limiter = new MemoryLimiter({ now: clock.now });
    expect(limiter.check({ budget: { key: "b", rule: { limit: 0, period: "day" } } })).toEqual({
      ok: false,
      reason: "budget",
      key: "b",
      retryAfterMs: 6 * 3_600_000,
      used: 0,
      limit: 0,
    });
  });
});

describe("MemoryLimiter checks are all or nothing", () => {
  it("does not take a bucket token when the budget refuses", () => {
    const limiter = new MemoryLimiter();
    const rate = { key: "r", rule: { rps: 0.001, burst: 1 } };
    expect(limiter.check({ rate, budget: { key: "b", rule: { limit: 0, period: "day" } } })).toMatchObject({
      ok: false,
      reason: "budget",
    });
    expect(limiter.check({ rate }).ok).toBe(true);
  });

  it("does not charge the budget when the bucket refuses", () => {
    const limiter = new MemoryLimiter();
    const rate = { key: "r", rule: { rps: 0.001, burst: 1 } };
    const budget = { key: "b", rule: { limit: 5, period: "day" } satisfies BudgetRule };
    expect(limiter.check({ rate, budget })).toEqual({ ok: true, used: 1, limit: 5 });
    expect(limiter.check({ rate, budget })).toMatchObject({ ok: false, reason: "rate", key: "r", used: 1 });
    expect(limiter.used("b", budget.rule)).toBe(1);
  });

  it("decides several buckets and budgets together and names the part that refused", () => {
    const clock = clockAt("2026-12-06T12:00:00Z");
    const limiter = new MemoryLimiter({ now: clock.now });
    const perClient = { key: "client:a", rule: { rps: 100, burst: 100 } };
    const perTool = { key: "tool:t", rule: { rps: 1, burst: 2 } };
    const daily = { key: "day:t:a", rule: { limit: 100, period: "day" } satisfies BudgetRule };
    const monthly = { key: "month:t:a", rule: { limit: 3, period: "month" } satisfies BudgetRule };
    const call = { rates: [perClient, perTool], budgets: [daily, monthly] };
    // The monthly budget has the least room, so the verdict reports it.
    expect(limiter.check(call)).toEqual({ ok: true, used: 1, limit: 3 });
    expect(limiter.check(call)).toEqual({ ok: true, used: 2, limit: 3 });
    expect(limiter.check(call)).toEqual({
      ok: false,
      reason: "rate",
      key: "tool:t",
      retryAfterMs: 1000,
      used: 2,
      limit: 3,
    });
    clock.t += 1000;
    expect(limiter.check(call)).toEqual({ ok: true, used: 3, limit: 3 });
    clock.t += 1000;
    const refused = limiter.check(call) as Extract<Verdict, { ok: false }>;
    expect(refused).toMatchObject({ ok: false, reason: "budget", key: "month:t:a", used: 3, limit: 3 });
    expect(refused.retryAfterMs).toBe(Date.parse("2027-01-01T00:00:00Z") - clock.t);
    // Nothing of the refused call was charged anywhere.
    expect(limiter.used(daily.key, daily.rule)).toBe(3);
    expect(limiter.check({ rate: perTool }).ok).toBe(true);
  });
});

describe("MemoryLimiter with empty part lists", () => {
  it("treats empty `rates` and `budgets` as absent, without a previous call's budget", () => {
    const limiter = new MemoryLimiter();
    limiter.check({ budget: { key: "b", rule: { limit: 9, period: "day" } } });
    const rate = { key: "r", rule: { rps: 0.001, burst: 1 } };
    expect(limiter.check({ rates: [], budgets: [] })).toEqual({ ok: true });
    expect(limiter.check({ rate, budgets: [] })).toEqual({ ok: true });
    expect(limiter.check({ rate, budgets: [] })).toMatchObject({ ok: false, reason: "rate", key: "r" });
    expect(limiter.check({ rate, budgets: [] })).not.toHaveProperty("used");
  });
});

describe("MemoryLimiter tables stay bounded", () => {
  it("never holds more than maxKeys buckets under a flood of new keys", () => {
    const clock = clockAt("2026-12-06T12:00:00Z");
    const limiter = new MemoryLimiter({ now: clock.now, maxKeys: 64 });
    const rule = { rps: 1, burst: 5 };
    for (let i = 0; i < 10_000; i++) {
      limiter.check({ rate: { key: `k${i}`, rule } });
      expect(limiter.trackedKeys).toBeLessThanOrEqual(64);
    }
  });

  it("drops idle (full) buckets before live ones when the cap is reached", () => {
    const clock = clockAt("2026-12-06T12:00:00Z");
    const limiter = new MemoryLimiter({ now: clock.now, maxKeys: 100 });
    const hot = { key: "hot", rule: { rps: 0.001, burst: 1 } };
    expect(limiter.check({ rate: hot }).ok).toBe(true);
    const quick = { rps: 1000, burst: 1 };
    for (let i = 0; i < 1000; i++) {
      clock.t += 1; // each quick bucket is full again a millisecond later
      limiter.check({ rate: { key: `q${i}`, rule: quick } });
    }
    expect(limiter.trackedKeys).toBeLessThanOrEqual(100);
    expect(limiter.check({ rate: hot })).toMatchObject({ ok: false, key: "hot" });
  });

  it("sweeps full buckets and past-period budgets once the clock has moved on", () => {
    const clock = clockAt("2026-12-06T23:59:00Z");
    const limiter = new MemoryLimiter({ now: clock.now });
    for (let i = 0; i < 500; i++)
      limiter.check({
        rate: { key: `r${i}`, rule: { rps: 10, burst: 10 } },
        budget: { key: `b${i}`, rule: { limit: 10, period: "day" } },
      });
    expect(limiter.trackedKeys).toBe(1000);
    clock.t += 61_000; // a new day, buckets long full, past the sweep interval
    limiter.check({ rate: { key: "r0", rule: { rps: 10, burst: 10 } } });
    expect(limiter.trackedKeys).toBe(1);
  });
});

describe("MemoryLimiter rule checks", () => {
  it("rejects bad rules and costs with ERR_LIMITS_RULE naming the field", () => {
    const limiter = new MemoryLimiter();
    const cases: [() => unknown, RegExp][] = [
      [() => limiter.check({ rate: { key: "a", rule: { rps: 0, burst: 1 } } }), /"rps"/],
      [() => limiter.check({ rate: { key: "b", rule: { rps: 1, burst: 1.5 } } }), /"burst"/],
      [() => limiter.check({ rate: { key: "c", rule: { rps: 1, burst: 1 }, cost: 0 } }), /"cost"/],
      [() => limiter.check({ rate: { key: "c", rule: { rps: 1, burst: 1 }, cost: Number.NaN } }), /"cost"/],
      [() => limiter.check({ budget: { key: "d", rule: { limit: -1, period: "day" } } }), /"limit"/],
      [
        () => limiter.check({ budget: { key: "e", rule: { limit: 1, period: "week" as "day" } } }),
        /"period"/,
      ],
      [() => limiter.check({ budget: { key: "f", rule: { limit: 1, period: "day" }, cost: 0.5 } }), /"cost"/],
    ];
    for (const [run, field] of cases) {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(LimitError);
      expect(caught).toMatchObject({ code: "ERR_LIMITS_RULE", message: expect.stringMatching(field) });
    }
  });

  it("re-validates a key's rule when a new rule object replaces it", () => {
    const limiter = new MemoryLimiter();
    expect(limiter.check({ rate: { key: "k", rule: { rps: 1, burst: 1 } } }).ok).toBe(true);
    expect(() => limiter.check({ rate: { key: "k", rule: { rps: -1, burst: 1 } } })).toThrow(/"rps"/);
  });

  it("rejects bad options with a TypeError naming the option", () => {
    expect(() => new MemoryLimiter({ maxKeys: 0 })).toThrow(TypeError);
    expect(() => new MemoryLimiter({ maxKeys: 0 })).toThrow(/"maxKeys"/);
  });
});
