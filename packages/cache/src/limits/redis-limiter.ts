/**
 * @module The Redis limiter: every runtime node shares the same buckets and budgets. One script
 * call per check (see redis-script.ts); a Redis that does not answer in `commandTimeoutMs`
 * rejects with `ERR_LIMITS_UNAVAILABLE` and the runtime chooses to fail open or closed.
 */
import { Redis } from "ioredis";
import { limitsUnavailable } from "./errors.js";
import { periodOf } from "./period.js";
import { LIMIT_SCRIPT, parseReply, type ScriptReply } from "./redis-script.js";
import { budgetCostOf, rateCostOf, validateBudgetRule, validateRateRule } from "./rules.js";
import type { BudgetCheck, BudgetRule, LimitCheck, Limiter, RateCheck, Verdict } from "./types.js";

export interface RedisLimiterOptions {
  /** `redis://…`: the limiter makes its own client and closes it in `close()` */
  url?: string;
  /** a client the caller owns: the script is defined on it, `close()` leaves it open */
  client?: Redis;
  /** prefix of every key (default "mcp:limits:"); a hash tag here puts all keys in one Cluster slot */
  keyPrefix?: string;
  /** bound on one check, the wait for the first connection included (default 1000) */
  commandTimeoutMs?: number;
  /** ms since the epoch (default `Date.now`): picks the budget period, never the bucket refill */
  now?: () => number;
}

type CheckCommand = (numKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

const COMMAND = "mcpLimitsCheck";
const PASS: Verdict = Object.freeze({ ok: true });

interface Plan {
  keys: string[];
  args: (string | number)[];
  rates: RateCheck[];
  budgets: BudgetCheck[];
  budgetCosts: number[];
}

export class RedisLimiter implements Limiter {
  readonly backend = "redis" as const;
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly runScript: CheckCommand;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private ready: Promise<void> | undefined;
  private connectedOnce = false;
  private closed = false;

  constructor(options: RedisLimiterOptions) {
    const { url, client, keyPrefix = "mcp:limits:", commandTimeoutMs = 1000, now = Date.now } = options;
    if ((url === undefined) === (client === undefined))
      throw new TypeError('exactly one of the "url" and "client" options is required');
    if (!(commandTimeoutMs > 0) || !Number.isFinite(commandTimeoutMs))
      throw new TypeError(`"commandTimeoutMs" option must be a finite number > 0 (got ${commandTimeoutMs})`);
    if (typeof keyPrefix !== "string") throw new TypeError('"keyPrefix" option must be a string');
    if (typeof now !== "function") throw new TypeError('"now" option must be a function');
    this.prefix = keyPrefix;
    this.timeoutMs = commandTimeoutMs;
    this.now = now;
    this.ownsClient = client === undefined;
    this.client =
      client ??
      new Redis(url ?? "", {
        // A check either reaches Redis now or fails. A queued or re-sent script would run after
        // the caller was told "unavailable" and charge a request already admitted or refused.
        enableOfflineQueue: false,
        autoResendUnfulfilledCommands: false,
        maxRetriesPerRequest: 0,
        connectTimeout: commandTimeoutMs,
        // Reconnect forever, at most 2 s apart: checks fail fast (and the runtime fails open or
        // closed) meanwhile.
        retryStrategy: (times) => Math.min(times * 100, 2_000),
      });
    // Failures reach callers as rejected checks; without a listener ioredis prints each one.
    if (this.ownsClient) this.client.on("error", () => {});
    this.client.defineCommand(COMMAND, { lua: LIMIT_SCRIPT });
    const command: unknown = Reflect.get(this.client, COMMAND);
    if (typeof command !== "function") throw new TypeError(`the Redis client did not define "${COMMAND}"`);
    this.runScript = (command as CheckCommand).bind(this.client);
  }

  async check(check: LimitCheck): Promise<Verdict> {
    const plan = this.plan(check, this.now());
    if (plan.keys.length === 0) return PASS;
    const raw = await this.send("check", () => this.runScript(plan.keys.length, ...plan.keys, ...plan.args));
    const reply = parseReply(raw, plan.budgets.length);
    if (reply === null) throw limitsUnavailable("check: unexpected reply from the limits script");
    return verdictOf(reply, plan);
  }

  async used(key: string, rule: BudgetRule): Promise<number> {
    const { id } = periodOf(validateBudgetRule(rule).period, this.now());
    const value = await this.send("used", () => this.client.get(this.budgetKey(id, key)));
    return value === null ? 0 : Number(value);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.ownsClient) this.client.disconnect();
  }

  private plan(check: LimitCheck, now: number): Plan {
    const rates = check.rates === undefined ? [] : [...check.rates];
    if (check.rate !== undefined) rates.unshift(check.rate);
    const budgets = check.budgets === undefined ? [] : [...check.budgets];
    if (check.budget !== undefined) budgets.unshift(check.budget);
    const keys: string[] = [];
    const args: (string | number)[] = [rates.length, budgets.length];
    for (const part of rates) {
      const { rps, burst } = validateRateRule(part.rule);
      keys.push(`${this.prefix}rate:${part.key}`);
      args.push(rps, burst, rateCostOf(part));
    }
    const budgetCosts: number[] = [];
    for (const part of budgets) {
      const { limit, period } = validateBudgetRule(part.rule);
      const { id, endsAt } = periodOf(period, now);
      const cost = budgetCostOf(part);
      budgetCosts.push(cost);
      keys.push(this.budgetKey(id, part.key));
      args.push(limit, cost, endsAt - now);
    }
    return { keys, args, rates, budgets, budgetCosts };
  }

  private budgetKey(periodId: string, key: string): string {
    // The period id comes first: it has a fixed shape, so no two (period, key) pairs collide.
    return `${this.prefix}budget:${periodId}:${key}`;
  }

  /**
   * Runs one command within `commandTimeoutMs`. Only the first connection is waited for (within
   * the same deadline); a connection lost later fails checks at once, so an outage does not add
   * the timeout to every request while the runtime fails open.
   */
  private send<T>(what: string, command: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(limitsUnavailable(`${what}: the limiter is closed`));
    const status = this.client.status;
    if (status === "ready") this.connectedOnce = true;
    else if (this.connectedOnce || status === "end")
      return Promise.reject(limitsUnavailable(`${what}: the Redis connection is ${status}`));
    return new Promise<T>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(limitsUnavailable(`${what}: no answer from Redis in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const fire = (): void => {
        // Never sent once the caller has been told it failed: it would charge a decided request.
        if (late) return;
        command().then(
          (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(limitsUnavailable(what, error));
          },
        );
      };
      if (status === "ready") fire();
      else void this.whenReady().then(fire);
    });
  }

  private whenReady(): Promise<void> {
    if (this.ready === undefined) {
      this.ready = new Promise<void>((resolve) => {
        this.client.once("ready", () => {
          this.ready = undefined;
          this.connectedOnce = true;
          resolve();
        });
      });
      // A lazyConnect client the caller passed connects on first use.
      if (this.client.status === "wait") this.client.connect().catch(() => {});
    }
    return this.ready;
  }
}

function verdictOf(reply: ScriptReply, plan: Plan): Verdict {
  const { budgets } = plan;
  const shown = !reply.ok && reply.reason === "budget" ? reply.part : tightest(reply, plan);
  const shownBudget = budgets[shown];
  if (reply.ok) {
    if (shownBudget === undefined) return PASS;
    return { ok: true, used: reply.used[shown] ?? 0, limit: shownBudget.rule.limit };
  }
  const refusing = reply.reason === "budget" ? budgets[reply.part] : plan.rates[reply.part];
  if (refusing === undefined) throw limitsUnavailable("check: the limits script named no refusing part");
  const { reason, retryAfterMs } = reply;
  if (shownBudget === undefined) return { ok: false, reason, key: refusing.key, retryAfterMs };
  const used = reply.used[shown] ?? 0;
  return { ok: false, reason, key: refusing.key, retryAfterMs, used, limit: shownBudget.rule.limit };
}

/** The budget with the least room left after this call's charge (as the memory limiter reports). */
function tightest(reply: ScriptReply, plan: Plan): number {
  let best = -1;
  let bestRoom = Number.POSITIVE_INFINITY;
  plan.budgets.forEach((part, index) => {
    const used = reply.used[index] ?? 0;
    // On a pass `used` already holds the charge; on a refusal it does not.
    const room = part.rule.limit - used - (reply.ok ? 0 : (plan.budgetCosts[index] ?? 0));
    if (room < bestRoom) {
      bestRoom = room;
      best = index;
    }
  });
  return best;
}
