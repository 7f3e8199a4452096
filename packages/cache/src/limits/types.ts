/** @module The `Limiter` contract both backends (memory, Redis) implement: rules, checks, verdicts. */

export interface RateRule {
  /** tokens added per second: a finite number > 0 */
  rps: number;
  /** bucket size, and what a new or idle bucket holds: an integer >= 1 */
  burst: number;
}

export interface BudgetRule {
  /** cost units allowed per period: an integer >= 0 (0 refuses everything) */
  limit: number;
  /** a UTC calendar day or month */
  period: "day" | "month";
}

/** A token bucket to take `cost` tokens from. */
export interface RateCheck {
  key: string;
  rule: RateRule;
  /** a finite number > 0 (default 1); more than `rule.burst` never passes */
  cost?: number;
}

/** A budget to charge `cost` units to, for the current UTC period. */
export interface BudgetCheck {
  key: string;
  rule: BudgetRule;
  /** an integer >= 0 (default 1); 0 reads the budget without charging it */
  cost?: number;
}

/**
 * Everything one request must pass. All parts are decided and charged together: when any part
 * refuses, none is charged. Keys must be distinct within one check.
 */
export interface LimitCheck {
  rate?: RateCheck;
  budget?: BudgetCheck;
  /** more buckets (e.g. per client and per tool), decided together with `rate` */
  rates?: readonly RateCheck[];
  /** more budgets (e.g. daily and monthly), decided together with `budget` */
  budgets?: readonly BudgetCheck[];
}

/**
 * `used`/`limit` are present when the check had a budget. They describe the budget that refused,
 * or else the one with the least room left; on a pass `used` includes this call's charge.
 */
export type Verdict =
  | { ok: true; used?: number; limit?: number }
  | {
      ok: false;
      /** which kind of part refused: when several do, the one with the longest wait */
      reason: "rate" | "budget";
      /** the key of the part that refused (tells a per-client bucket from a per-tool one) */
      key: string;
      /** ms until a retry can pass: bucket refill time, or time to the period's end */
      retryAfterMs: number;
      used?: number;
      limit?: number;
    };

export interface Limiter {
  readonly backend: "memory" | "redis";
  /** Atomic: when any part refuses, none is charged. Memory answers synchronously. */
  check(check: LimitCheck): Verdict | Promise<Verdict>;
  /** Budget units used in the current period (for operators and tests). */
  used(key: string, rule: BudgetRule): number | Promise<number>;
  close(): Promise<void>;
}
