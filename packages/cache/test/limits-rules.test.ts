/** UTC periods and the rule validators the runtime calls once at config load. */
import { describe, expect, it } from "vitest";
import { periodOf } from "../src/limits/period.js";
import { validateBudgetRule, validateRateRule } from "../src/limits/rules.js";

describe("periodOf", () => {
  it("names the UTC day and ends it at the next UTC midnight", () => {
    expect(periodOf("day", Date.parse("2026-12-06T23:59:59.999Z"))).toEqual({
      id: "2026-12-06",
      endsAt: Date.parse("2026-12-07T00:00:00Z"),
    });
    expect(periodOf("day", Date.parse("2026-12-07T00:00:00Z")).id).toBe("2026-12-07");
  });

  it("names the UTC month and ends it on the first of the next, across years and leap Februaries", () => {
    expect(periodOf("month", Date.parse("2026-12-31T23:00:00-05:00"))).toEqual({
      id: "2027-01",
      endsAt: Date.parse("2027-02-01T00:00:00Z"),
    });
    expect(periodOf("month", Date.parse("2028-02-29T12:00:00Z"))).toEqual({
      id: "2028-02",
      endsAt: Date.parse("2028-03-01T00:00:00Z"),
    });
  });

  it("rejects an unknown period with ERR_LIMITS_RULE", () => {
    expect(() => periodOf("week" as "day", 0)).toThrow(expect.objectContaining({ code: "ERR_LIMITS_RULE" }));
  });
});

describe("rule validators", () => {
  it("return a good rule unchanged", () => {
    const rate = { rps: 0.5, burst: 1 };
    const budget = { limit: 0, period: "month" as const };
    expect(validateRateRule(rate)).toBe(rate);
    expect(validateBudgetRule(budget)).toBe(budget);
  });

  it("name the bad field and carry ERR_LIMITS_RULE", () => {
    expect(() => validateRateRule({ rps: Number.POSITIVE_INFINITY, burst: 1 })).toThrow(
      /"rps" must be a finite number > 0/,
    );
    expect(() => validateRateRule({ rps: 1, burst: 0 })).toThrow(/"burst" must be an integer >= 1/);
    expect(() => validateBudgetRule({ limit: 1.5, period: "day" })).toThrow(
      expect.objectContaining({ code: "ERR_LIMITS_RULE", message: expect.stringContaining('"limit"') }),
    );
  });
});
