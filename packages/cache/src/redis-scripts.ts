/**
 * @module The Lua scripts of the Redis cache; each is one round trip and atomic. Keys are passed
 * in KEYS except the members of a group set, which is fine on a single Redis or a primary with
 * replicas (Redis Cluster would need every key of a cache in one hash slot; not supported).
 */
import { LuaScript } from "./redis-link.js";

/** KEYS: value. Reply: nil, or [value, ms left]. */
export const READ = new LuaScript(`
local value = redis.call('GET', KEYS[1])
if not value then return false end
return {value, redis.call('PTTL', KEYS[1])}`);

/**
 * KEYS: value, lock. ARGV: token, lock ms. Reply: [value, ms left] on a hit; else 1 when this
 * caller now holds the lock, 0 when another does. Reading and locking together means a poller
 * sees either the value or a live lock, never a gap between two round trips.
 */
export const READ_OR_LOCK = new LuaScript(`
local value = redis.call('GET', KEYS[1])
if value then return {value, redis.call('PTTL', KEYS[1])} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`);

/**
 * KEYS: value, then one set per group. ARGV: text, ttl ms. Each group set lives at least as long
 * as its newest member, so invalidate() finds every live entry that joined.
 */
export const STORE_IN_GROUPS = new LuaScript(`
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1`);

/**
 * KEYS: group set. Reply: how many live members were deleted. A member may have been overwritten
 * since without the group; it is dropped too (an extra miss, never a stale hit).
 */
export const INVALIDATE = new LuaScript(`
local members = redis.call('SMEMBERS', KEYS[1])
local dropped = 0
for i = 1, #members do dropped = dropped + redis.call('DEL', members[i]) end
redis.call('DEL', KEYS[1])
return dropped`);

/**
 * KEYS: key. ARGV: expected value. Deletes only if unchanged: releases a lock this caller still
 * holds, or drops an unreadable value unless someone has replaced it meanwhile.
 */
export const DELETE_IF_EQUAL = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);
