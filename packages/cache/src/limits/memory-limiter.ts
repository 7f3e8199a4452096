/**
 * @module The in-process limiter for a runtime that runs alone. It sits on every request, so a
 * decision reads the clock once, allocates nothing on a rate-only pass of a known key (otherwise
 * the verdict, and a record for a new key), and never returns a promise.
 */

import {
  admit,
  Bucket,
  Counter,
  isIdleBucket,
  isIdleCounter,
  refill,
  sweep,
  waitFor,
} from "./memory-tables.js";
import { PeriodEnds } from "./period.js";
import { budgetCostOf, rateCostOf, validateBudgetRule, validateRateRule } from "./rules.js";
import type { BudgetCheck, BudgetRule, LimitCheck, Limiter, RateRule, Verdict } from "./types.js";

export interface MemoryLimiterOptions {
  /** ms since the epoch (default `Date.now`); tests move it */
  now?: () => number;
  /** cap on each table (buckets, day budgets, month budgets); default 100 000 */
  maxKeys?: number;
}

const PASS: Verdict = Object.freeze({ ok: true });

// Idle entries also go without reaching the cap; at 100 000 keys a sweep takes a few ms, so once a
// minute is invisible.
const SWEEP_INTERVAL_MS = 60_000;

export class MemoryLimiter implements Limiter {
  readonly backend = "memory" as const;
  private readonly now: () => number;
  private readonly maxKeys: number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly days = new Map<string, Counter>();
  private readonly months = new Map<string, Counter>();
  private readonly ends = new PeriodEnds();
  private nextSweepAt: number;
  // The budget a verdict reports, kept in fields rather than an object per call; check() is
  // synchronous, so no two calls share them.
  private budgetWait = 0;
  private shownKey = "";
  private shownUsed = 0;
  private shownCost = 0;
  private shownLimit = 0;
  private shownRoom = 0;

  constructor(options: MemoryLimiterOptions = {}) {
    const { now = Date.now, maxKeys = 100_000 } = options;
    if (typeof now !== "function") throw new TypeError('"now" option must be a function');
    if (!Number.isInteger(maxKeys) || maxKeys < 1)
      throw new TypeError(`"maxKeys" option must be an integer >= 1 (got ${maxKeys})`);
    this.now = now;
    this.maxKeys = maxKeys;
    this.nextSweepAt = now() + SWEEP_INTERVAL_MS;
  }

  /** Entries held across all tables (for operators and tests). */
  get trackedKeys(): number {
    return this.buckets.size + this.days.size + this.months.size;
  }

  check(check: LimitCheck): Verdict {
    const now = this.now();
    if (now >= this.nextSweepAt) this.sweepAll(now);
    const { rate, rates, budget, budgets } = check;

    // Phase 1 brings every part up to `now` (refills and period resets charge nothing) and finds
    // the longest wait; phase 2 charges only if no part waits.
    let rateWait = 0;
    let rateKey = "";
    let bucket: Bucket | undefined;
    let rateCost = 0;
    if (rate !== undefined) {
      rateCost = rateCostOf(rate);
      bucket = this.bucketAt(rate.key, rate.rule, now);
      rateWait = waitFor(bucket, rateCost);
      rateKey = rate.key;
    }
    if (rates !== undefined)
      for (const part of rates) {
        const wait = waitFor(this.bucketAt(part.key, part.rule, now), rateCostOf(part));
        if (wait > rateWait) {
          rateWait = wait;
          rateKey = part.key;
        }
      }

    if (budget === undefined && budgets === undefined) {
      if (rateWait > 0) return { ok: false, reason: "rate", key: rateKey, retryAfterMs: rateWait };
      if (rates === undefined) {
        if (bucket !== undefined) bucket.tokens -= rateCost;
      } else this.chargeAll(check, now);
      return PASS;
    }

    this.budgetWait = 0;
    this.shownRoom = Number.POSITIVE_INFINITY;
    let counter: Counter | undefined;
    let budgetCost = 0;
    if (budget !== undefined) {
      budgetCost = budgetCostOf(budget);
      counter = this.counterAt(budget.key, budget.rule, now);
      this.weigh(counter, budget, budgetCost, now);
    }
    if (budgets !== undefined)
      for (const part of budgets)
        this.weigh(this.counterAt(part.key, part.rule, now), part, budgetCostOf(part), now);

    const { budgetWait, shownUsed, shownLimit } = this;
    // An empty `budgets` weighed nothing: the shown fields are a previous call's.
    if (budgetWait === 0 && this.shownRoom === Number.POSITIVE_INFINITY) {
      if (rateWait > 0) return { ok: false, reason: "rate", key: rateKey, retryAfterMs: rateWait };
      this.chargeAll(check, now);
      return PASS;
    }
    if (budgetWait > 0 && budgetWait >= rateWait)
      return {
        ok: false,
        reason: "budget",
        key: this.shownKey,
        retryAfterMs: budgetWait,
        used: shownUsed,
        limit: shownLimit,
      };
    if (rateWait > 0)
      return {
        ok: false,
        reason: "rate",
        key: rateKey,
        retryAfterMs: rateWait,
        used: shownUsed,
        limit: shownLimit,
      };

    if (rates === undefined && budgets === undefined) {
      if (bucket !== undefined) bucket.tokens -= rateCost;
      if (counter !== undefined) counter.used += budgetCost;
    } else this.chargeAll(check, now);
    return { ok: true, used: shownUsed + this.shownCost, limit: shownLimit };
  }

  used(key: string, rule: BudgetRule): number {
    validateBudgetRule(rule);
    const counter = (rule.period === "day" ? this.days : this.months).get(key);
    return counter !== undefined && counter.endsAt === this.ends.endOf(rule.period, this.now())
      ? counter.used
      : 0;
  }

  async close(): Promise<void> {
    this.buckets.clear();
    this.days.clear();
    this.months.clear();
  }

  private bucketAt(key: string, rule: RateRule, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new Bucket(validateRateRule(rule), now);
      admit(this.buckets, key, bucket, this.maxKeys, isIdleBucket, now);
      return bucket;
    }
    // A rule is validated when a key first sees it, so a valid one costs a comparison per call.
    if (bucket.rule !== rule) bucket.rule = validateRateRule(rule);
    refill(bucket, now);
    return bucket;
  }

  private counterAt(key: string, rule: BudgetRule, now: number): Counter {
    const table = rule.period === "day" ? this.days : this.months;
    let counter = table.get(key);
    if (counter === undefined || counter.rule !== rule) validateBudgetRule(rule);
    const endsAt = this.ends.endOf(rule.period, now);
    if (counter === undefined) {
      counter = new Counter(rule, endsAt);
      admit(table, key, counter, this.maxKeys, isIdleCounter, now);
      return counter;
    }
    counter.rule = rule;
    if (counter.endsAt !== endsAt) {
      counter.endsAt = endsAt;
      counter.used = 0;
    }
    return counter;
  }

  /** Picks the budget a verdict reports: the refusing one that waits longest, else the tightest. */
  private weigh(counter: Counter, part: BudgetCheck, cost: number, now: number): void {
    const limit = part.rule.limit;
    if (counter.used + cost > limit) {
      const wait = counter.endsAt - now;
      if (wait <= this.budgetWait) return;
      this.budgetWait = wait;
    } else {
      const room = limit - counter.used - cost;
      if (this.budgetWait > 0 || room >= this.shownRoom) return;
      this.shownRoom = room;
    }
    this.shownKey = part.key;
    this.shownUsed = counter.used;
    this.shownCost = cost;
    this.shownLimit = limit;
  }

  /**
   * Charges a check with several parts, looking each up again: at the cap, a later part's insert
   * may have evicted an earlier part's entry, and charging the detached record would be lost.
   */
  private chargeAll({ rate, rates, budget, budgets }: LimitCheck, now: number): void {
    if (rate !== undefined) this.bucketAt(rate.key, rate.rule, now).tokens -= rateCostOf(rate);
    if (rates !== undefined)
      for (const part of rates) this.bucketAt(part.key, part.rule, now).tokens -= rateCostOf(part);
    if (budget !== undefined) this.counterAt(budget.key, budget.rule, now).used += budgetCostOf(budget);
    if (budgets !== undefined)
      for (const part of budgets) this.counterAt(part.key, part.rule, now).used += budgetCostOf(part);
  }

  private sweepAll(now: number): void {
    sweep(this.buckets, isIdleBucket, now);
    sweep(this.days, isIdleCounter, now);
    sweep(this.months, isIdleCounter, now);
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
  }
}
