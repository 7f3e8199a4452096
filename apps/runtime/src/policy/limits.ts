/**
 * @module Rate limits and budgets. Per client (the transports' admission: subject, or IP before
 * authentication), per tool (one token bucket shared by every caller) and budgets (cost units per
 * tool per subject per UTC day or month). Rules are compiled once per config; a call to a tool
 * without rules costs one Map lookup. The limiter is memory or Redis (shared across nodes).
 */
import type { BudgetRule, LimitCheck, Limiter, Verdict } from "@mcp-runtime/cache";
import { defaultBurst, type LimitsConfig } from "@mcp-runtime/config";
import type { PluginPolicies } from "@mcp-runtime/plugin-sdk/host";
import {
  ErrorCode,
  JsonRpcError,
  type RequestContext,
  rateLimited,
  type ToolAdmission,
} from "@mcp-runtime/protocol";
import type { RuntimeMetrics } from "@mcp-runtime/telemetry";
import type { Logger } from "../logger.js";

/** Share of a budget after which each crossing is a warning and a metric. */
const WARN_RATIO = 0.8;

interface ToolRules {
  /** the check without budgets (built once: a rate-only call allocates nothing) */
  rateOnly: LimitCheck;
  /** budget checks without their per-subject key (filled per call) */
  budgets: { rule: BudgetRule; cost: number; prefix: string }[];
}

export class Limits implements ToolAdmission {
  private config: LimitsConfig;
  private tools = new Map<string, ToolRules>();
  /** plugin-declared costs by tool name */
  private readonly costs = new Map<string, number>();
  private clientRule: { rps: number; burst: number } | undefined;

  constructor(
    readonly limiter: Limiter,
    config: LimitsConfig,
    private readonly metrics: RuntimeMetrics | undefined,
    private readonly logger: Logger,
  ) {
    this.config = config;
    this.compile();
  }

  /** Applies a reloaded `limits` section (the backend itself needs a restart). */
  update(config: LimitsConfig): void {
    this.config = config;
    this.compile();
  }

  /** Takes the costs the loaded plugins declare (config `cost` beats them), after each (re)load. */
  indexCosts(manifests: readonly { policies?: PluginPolicies }[]): void {
    this.costs.clear();
    for (const { policies } of manifests)
      for (const [name, policy] of Object.entries(policies?.tools ?? {}))
        if (policy.cost !== undefined) this.costs.set(name, policy.cost);
    this.compile();
  }

  /**
   * The transports' per-client admission: 0 to admit, else ms to wait. The memory limiter answers
   * synchronously, so the common case adds no promise.
   */
  readonly admitClient = (clientKey: string): number | Promise<number> => {
    const rule = this.clientRule;
    if (rule === undefined) return 0;
    const verdict = this.limiter.check({ rate: { key: `c|${clientKey}`, rule } });
    return verdict instanceof Promise
      ? verdict.then(this.clientWait, this.clientUnchecked)
      : this.clientWait(verdict);
  };

  /** The limiter could not answer: admit, or refuse for a second, per `onBackendError`. */
  private readonly clientUnchecked = (cause: unknown): number => {
    this.backendFailed(cause);
    return this.config.onBackendError === "allow" ? 0 : 1000;
  };

  private readonly clientWait = (verdict: Verdict): number => {
    if (verdict.ok) return 0;
    this.metrics?.rateLimited("client", "");
    return Math.max(1, verdict.retryAfterMs);
  };

  admitTool(name: string, ctx: RequestContext): undefined | Promise<void> {
    const rules = this.tools.get(name);
    if (rules === undefined) return undefined;
    let check: LimitCheck = rules.rateOnly;
    if (rules.budgets.length > 0) {
      // Daily and monthly budgets in one atomic check: a refusal by either charges neither.
      const subject = ctx.identity.subject ?? "-";
      check = {
        ...rules.rateOnly,
        budgets: rules.budgets.map((b) => ({ key: `${b.prefix}${subject}`, rule: b.rule, cost: b.cost })),
      };
    }
    const verdict = this.guard(this.limiter.check(check));
    if (verdict instanceof Promise) return verdict.then((settled) => this.settle(name, rules, settled));
    this.settle(name, rules, verdict);
    return undefined;
  }

  /** Throws the client's error for a refusal; warns when a budget crosses 80 %. */
  private settle(name: string, rules: ToolRules, verdict: Verdict): void {
    if (!verdict.ok) {
      const limit = verdict.reason === "rate" ? "tool" : "budget";
      this.metrics?.rateLimited(limit, name);
      throw rateLimited(limit, verdict.retryAfterMs, name);
    }
    const { used, limit } = verdict;
    if (used === undefined || limit === undefined || limit === 0) return;
    const line = limit * WARN_RATIO;
    const cost = rules.budgets[0]?.cost ?? 1;
    if (used >= line && used - cost < line) {
      this.metrics?.budgetWarning(name);
      this.logger.warn({ msg: "budget nearly used", tool: name, used, limit });
    }
  }

  /** A limiter that cannot answer (Redis away) admits or refuses per `onBackendError`. */
  private guard(verdict: Verdict | Promise<Verdict>): Verdict | Promise<Verdict> {
    if (!(verdict instanceof Promise)) return verdict;
    return verdict.catch((cause: unknown) => {
      this.backendFailed(cause);
      if (this.config.onBackendError === "allow") return { ok: true } as Verdict;
      throw new JsonRpcError(ErrorCode.InternalError, "Limits are unavailable; try again later");
    });
  }

  private backendFailed(cause: unknown): void {
    this.metrics?.limiterError();
    this.logger.warn({
      msg: "limit check failed",
      error: cause instanceof Error ? cause.message : String(cause),
      decision: this.config.onBackendError,
    });
  }

  private compile(): void {
    const tools = new Map<string, ToolRules>();
    for (const [name, rule] of Object.entries(this.config.perTool)) {
      const cost = rule.cost ?? this.costs.get(name) ?? 1;
      const budgets: ToolRules["budgets"] = [];
      if (rule.dailyBudget !== undefined)
        budgets.push({ rule: { limit: rule.dailyBudget, period: "day" }, cost, prefix: `b|d|${name}|` });
      if (rule.monthlyBudget !== undefined)
        budgets.push({ rule: { limit: rule.monthlyBudget, period: "month" }, cost, prefix: `b|m|${name}|` });
      const rateOnly: LimitCheck =
        rule.rps === undefined
          ? {}
          : {
              rate: {
                key: `t|${name}`,
                rule: { rps: rule.rps, burst: rule.burst ?? defaultBurst(rule.rps) },
              },
            };
      if (rateOnly.rate !== undefined || budgets.length > 0) tools.set(name, { rateOnly, budgets });
    }
    this.tools = tools;
    this.clientRule = this.config.perClient;
  }
}
