/**
 * @module Public entry of @mcp-runtime/cache: the `Cache` contract, the in-memory backend, keys
 * and encryption; the `Limiter` contract (token buckets, budgets) with its in-memory backend. The
 * Redis backends are at `@mcp-runtime/cache/redis`, so the embedded default never loads ioredis.
 */
export { CacheError, type CacheErrorCode } from "./errors.js";
export { keyPart } from "./key-part.js";
export { generateKey, type Keyring, loadKeyring } from "./keyring.js";
export { LimitError, type LimitErrorCode } from "./limits/errors.js";
export { MemoryLimiter, type MemoryLimiterOptions } from "./limits/memory-limiter.js";
export { type Period, periodOf } from "./limits/period.js";
export { validateBudgetRule, validateRateRule } from "./limits/rules.js";
export type {
  BudgetCheck,
  BudgetRule,
  LimitCheck,
  Limiter,
  RateCheck,
  RateRule,
  Verdict,
} from "./limits/types.js";
export {
  type CreateCacheOptions,
  createCache,
  MemoryCache,
  type MemoryCacheOptions,
  type MemoryCacheStats,
} from "./memory-cache.js";
export type {
  Cache,
  CacheErrorListener,
  CacheHit,
  CacheSetOptions,
  CacheStats,
  Codec,
  Computed,
} from "./types.js";
