/**
 * @module The memory limiter's state: mutable bucket and counter records (updated in place, so a
 * decision on a known key allocates nothing) and the bounded tables that hold them.
 */
import type { BudgetRule, RateRule } from "./types.js";

export class Bucket {
  rule: RateRule;
  tokens: number;
  updatedAt: number;

  constructor(rule: RateRule, now: number) {
    this.rule = rule;
    this.tokens = rule.burst;
    this.updatedAt = now;
  }
}

export class Counter {
  rule: BudgetRule;
  endsAt: number;
  used = 0;

  constructor(rule: BudgetRule, endsAt: number) {
    this.rule = rule;
    this.endsAt = endsAt;
  }
}

/** Tops the bucket up to `now`. Neutral: a refilled bucket admits exactly what the lazy one would. */
export function refill(bucket: Bucket, now: number): void {
  const { rps, burst } = bucket.rule;
  const elapsed = now - bucket.updatedAt;
  // A clock that steps back refills nothing; it never takes tokens away.
  if (elapsed > 0) {
    const tokens = bucket.tokens + (elapsed * rps) / 1000;
    bucket.tokens = Math.min(tokens, burst);
    bucket.updatedAt = now;
  } else if (bucket.tokens > burst) bucket.tokens = burst;
}

/** ms until `cost` tokens are there; a cost above the burst waits a full refill and never passes. */
export function waitFor(bucket: Bucket, cost: number): number {
  const { rps, burst } = bucket.rule;
  if (cost > burst) return Math.ceil((burst / rps) * 1000);
  return bucket.tokens >= cost ? 0 : Math.ceil(((cost - bucket.tokens) / rps) * 1000);
}

/** A full bucket is the same as no bucket, so it can go. */
export function isIdleBucket(bucket: Bucket, now: number): boolean {
  const { rps, burst } = bucket.rule;
  return bucket.tokens + ((now - bucket.updatedAt) * rps) / 1000 >= burst;
}

/** A counter of a past period is the same as no counter. */
export function isIdleCounter(counter: Counter, now: number): boolean {
  return counter.endsAt <= now;
}

export function sweep<V>(
  table: Map<string, V>,
  isIdle: (value: V, now: number) => boolean,
  now: number,
): void {
  // Deleting the entry being visited is safe for a Map iteration.
  for (const [key, value] of table) if (isIdle(value, now)) table.delete(key);
}

/**
 * Adds an entry without letting the table pass `maxKeys`. At the cap it drops idle entries and,
 * if that frees less than 1/16 of the cap, the oldest-inserted ones too: the O(n) sweep then runs
 * at most once per cap/16 new keys. Evicting a live entry forgets its state (a bucket starts full
 * again, a budget at 0): under a flood of new keys bounded memory wins over exactness.
 */
export function admit<V>(
  table: Map<string, V>,
  key: string,
  value: V,
  maxKeys: number,
  isIdle: (value: V, now: number) => boolean,
  now: number,
): void {
  if (table.size >= maxKeys) {
    sweep(table, isIdle, now);
    const target = maxKeys - Math.max(1, Math.floor(maxKeys / 16));
    if (table.size > target)
      for (const oldest of table.keys()) {
        table.delete(oldest);
        if (table.size <= target) break;
      }
  }
  table.set(key, value);
}
