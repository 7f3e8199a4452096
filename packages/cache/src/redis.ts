/**
 * @module Subpath entry `@mcp-runtime/cache/redis`: the Redis-backed cache and limiters. Separate
 * from the main entry so that the embedded memory default never loads ioredis.
 */

export { RedisLimiter, type RedisLimiterOptions } from "./limits/redis-limiter.js";
export { createRedisCache, RedisCache, type RedisCacheOptions } from "./redis-cache.js";
