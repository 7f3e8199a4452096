/**
 * @module The one Lua script a Redis check runs: every bucket and budget of a check decided and
 * charged in one round trip, atomically (Redis runs a script alone).
 *
 * KEYS: the bucket hashes, then the budget counters.
 * ARGV: bucket count, budget count, then per bucket `rps burst cost`, then per budget
 * `limit cost msToPeriodEnd`.
 * Reply: `{ ok, reason (0 none, 1 rate, 2 budget), retryAfterMs, refusing part (1-based, 0 none),
 * used of each budget... }`: integers only, since Redis truncates Lua numbers in replies.
 */

/** Kept past the refill time so a bucket that is not quite full does not vanish early. */
const BUCKET_MARGIN_MS = 1_000;
/** Period ends come from the callers' clocks; the margin covers their skew against each other. */
export const BUDGET_MARGIN_MS = 300_000;

export const LIMIT_SCRIPT = `
-- Redis < 5 must be told to replicate effects before TIME is followed by writes.
if redis.replicate_commands then redis.replicate_commands() end
local nr, nb = tonumber(ARGV[1]), tonumber(ARGV[2])
local wait, reason, part = 0, 0, 0
local tokens, used = {}, {}
local now = 0
-- The server's clock, not the caller's: nodes with skewed clocks then share one bucket fairly.
if nr > 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
for i = 1, nr do
  local a = 3 + (i - 1) * 3
  local rps, burst, cost = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local state = redis.call('HMGET', KEYS[i], 't', 'at')
  local have = burst
  if state[1] and state[2] then
    have = math.min(burst, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rps / 1000)
  end
  tokens[i] = have
  local w = 0
  if cost > burst then w = math.ceil(burst / rps * 1000)
  elseif have < cost then w = math.ceil((cost - have) / rps * 1000) end
  if w > wait then wait, reason, part = w, 1, i end
end
for j = 1, nb do
  local a = 3 + nr * 3 + (j - 1) * 3
  local limit, cost, toEnd = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local u = tonumber(redis.call('GET', KEYS[nr + j]) or '0')
  used[j] = u
  -- On equal waits a budget is named (as the memory limiter does); the first budget wins ties.
  if u + cost > limit and (toEnd > wait or (toEnd == wait and reason == 1)) then
    wait, reason, part = toEnd, 2, j
  end
end
if wait > 0 then
  local reply = {0, reason, wait, part}
  for j = 1, nb do reply[4 + j] = used[j] end
  return reply
end
for i = 1, nr do
  local a = 3 + (i - 1) * 3
  local rps, burst, cost = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local left = tokens[i] - cost
  redis.call('HSET', KEYS[i], 't', string.format('%.17g', left), 'at', string.format('%.17g', now))
  redis.call('PEXPIRE', KEYS[i], math.ceil((burst - left) / rps * 1000) + ${BUCKET_MARGIN_MS})
end
for j = 1, nb do
  local a = 3 + nr * 3 + (j - 1) * 3
  local cost, toEnd = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  if cost > 0 then
    used[j] = redis.call('INCRBY', KEYS[nr + j], cost)
    redis.call('PEXPIRE', KEYS[nr + j], toEnd + ${BUDGET_MARGIN_MS})
  end
end
local reply = {1, 0, 0, 0}
for j = 1, nb do reply[4 + j] = used[j] end
return reply`;

export interface ScriptReply {
  ok: boolean;
  reason: "rate" | "budget";
  retryAfterMs: number;
  /** 0-based index of the refusing bucket or budget; -1 when none refused */
  part: number;
  used: number[];
}

/** Null for a reply of the wrong shape (a script from another version under the same name). */
export function parseReply(reply: unknown, budgets: number): ScriptReply | null {
  if (!Array.isArray(reply) || reply.length !== 4 + budgets) return null;
  if (!reply.every((value) => typeof value === "number")) return null;
  const [ok, reason, retryAfterMs, part, ...used] = reply as number[];
  return {
    ok: ok === 1,
    reason: reason === 2 ? "budget" : "rate",
    retryAfterMs: retryAfterMs ?? 0,
    part: (part ?? 0) - 1,
    used,
  };
}
