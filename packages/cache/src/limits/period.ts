/** @module UTC budget periods: which day or month a time falls in, and when that period ends. */
import { LimitError } from "./errors.js";
import type { BudgetRule } from "./types.js";

const DAY_MS = 86_400_000;

export interface Period {
  /** `2026-12-06` for a day, `2026-12` for a month (UTC) */
  id: string;
  /** ms since the epoch at which the next period starts */
  endsAt: number;
}

/** The UTC period `nowMs` falls in. JavaScript time has no leap seconds, so a day is 86 400 000 ms. */
export function periodOf(period: BudgetRule["period"], nowMs: number): Period {
  if (!Number.isFinite(nowMs)) throw new TypeError(`"nowMs" must be a finite number (got ${nowMs})`);
  if (period === "day") {
    const start = dayStart(nowMs);
    return { id: new Date(start).toISOString().slice(0, 10), endsAt: start + DAY_MS };
  }
  if (period === "month") {
    const start = monthStart(nowMs);
    return { id: new Date(start).toISOString().slice(0, 7), endsAt: monthEnd(start) };
  }
  throw new LimitError(
    "ERR_LIMITS_RULE",
    `budget rule "period" must be "day" or "month" (got ${String(period)})`,
  );
}

function dayStart(nowMs: number): number {
  return Math.floor(nowMs / DAY_MS) * DAY_MS;
}

function monthStart(nowMs: number): number {
  const date = new Date(nowMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function monthEnd(start: number): number {
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/**
 * Period ends without allocating: the day's is arithmetic, the month's is cached until the clock
 * leaves that month (a `Date` per call would be most of a memory check's cost).
 */
export class PeriodEnds {
  private monthFrom = 0;
  private monthUntil = Number.NEGATIVE_INFINITY;

  endOf(period: BudgetRule["period"], nowMs: number): number {
    if (period === "day") return dayStart(nowMs) + DAY_MS;
    if (nowMs >= this.monthUntil || nowMs < this.monthFrom) {
      this.monthFrom = monthStart(nowMs);
      this.monthUntil = monthEnd(this.monthFrom);
    }
    return this.monthUntil;
  }
}
