/**
 * @module Rule and cost validation. The runtime validates rules once at config load; the limiters
 * re-validate a rule only when a key first sees it, so the per-call cost is one comparison.
 */
import { LimitError } from "./errors.js";
import type { BudgetCheck, BudgetRule, RateCheck, RateRule } from "./types.js";

function ruleError(message: string): LimitError {
  return new LimitError("ERR_LIMITS_RULE", message);
}

/** Throws `LimitError` `ERR_LIMITS_RULE` naming the bad field; returns the rule for chaining. */
export function validateRateRule(rule: RateRule): RateRule {
  const { rps, burst } = rule;
  if (typeof rps !== "number" || !(rps > 0) || rps === Number.POSITIVE_INFINITY)
    throw ruleError(`rate rule "rps" must be a finite number > 0 (got ${String(rps)})`);
  if (!Number.isInteger(burst) || burst < 1)
    throw ruleError(`rate rule "burst" must be an integer >= 1 (got ${String(burst)})`);
  return rule;
}

/** Throws `LimitError` `ERR_LIMITS_RULE` naming the bad field; returns the rule for chaining. */
export function validateBudgetRule(rule: BudgetRule): BudgetRule {
  const { limit, period } = rule;
  if (!Number.isInteger(limit) || limit < 0)
    throw ruleError(`budget rule "limit" must be an integer >= 0 (got ${String(limit)})`);
  if (period !== "day" && period !== "month")
    throw ruleError(`budget rule "period" must be "day" or "month" (got ${String(period)})`);
  return rule;
}

/** The tokens a rate check takes: a finite number > 0, default 1. */
export function rateCostOf(check: RateCheck): number {
  const cost = check.cost ?? 1;
  if (!(cost > 0) || cost === Number.POSITIVE_INFINITY)
    throw ruleError(`rate "cost" for "${check.key}" must be a finite number > 0 (got ${String(cost)})`);
  return cost;
}

/** The units a budget check charges: an integer >= 0, default 1. */
export function budgetCostOf(check: BudgetCheck): number {
  const cost = check.cost ?? 1;
  if (!Number.isInteger(cost) || cost < 0)
    throw ruleError(`budget "cost" for "${check.key}" must be an integer >= 0 (got ${String(cost)})`);
  return cost;
}
