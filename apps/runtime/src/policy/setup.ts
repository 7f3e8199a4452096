/**
 * @module Builds the policy layer from config: the cache (memory, or Redis shared by every node)
 * with its encryption key ring, the result cache and large-result links on top of it, and the
 * limiter behind rate limits and budgets. The Redis parts are imported only when configured, so
 * the embedded default never loads ioredis.
 */
import { readFile } from "node:fs/promises";
import {
  type Cache,
  type CacheError,
  type Keyring,
  type Limiter,
  loadKeyring,
  MemoryCache,
  MemoryLimiter,
} from "@mcp-runtime/cache";
import type { RuntimeConfig } from "@mcp-runtime/config";
import type { RuntimeMetrics } from "@mcp-runtime/telemetry";
import type { Logger } from "../logger.js";
import { LargeResults } from "./large-results.js";
import { Limits } from "./limits.js";
import { ResultCache } from "./result-cache.js";

export interface Policy {
  readonly results: ResultCache;
  readonly large: LargeResults;
  readonly limits: Limits;
  /** applies a reloaded config's cache rules and limits */
  update(config: RuntimeConfig): void;
  close(): Promise<void>;
}

export interface PolicyOptions {
  metrics: RuntimeMetrics | undefined;
  logger: Logger;
  env?: Readonly<Record<string, string | undefined>>;
}

export async function startPolicy(config: RuntimeConfig, options: PolicyOptions): Promise<Policy> {
  const { metrics, logger } = options;
  const encryption = config.cache.encrypt ? await keyringOf(config, options.env ?? process.env) : undefined;
  const onError = (error: CacheError) => {
    metrics?.cacheError(
      error.code === "ERR_CACHE_DECRYPT"
        ? "decrypt"
        : error.code === "ERR_CACHE_DECODE"
          ? "decode"
          : "backend",
    );
    logger.warn({ msg: "cache degraded", code: error.code, error: error.message });
  };
  const redisUrl = config.redis.url;
  const needsRedis = config.cache.backend === "redis" || config.limits.backend === "redis";
  const redis = needsRedis ? await import("@mcp-runtime/cache/redis") : undefined;
  let cache: Cache;
  if (config.cache.backend === "redis" && redis !== undefined) {
    cache = new redis.RedisCache({ url: redisUrl, onError, ...(encryption ? { encryption } : {}) });
  } else {
    cache = new MemoryCache({
      maxBytes: config.cache.maxBytes,
      maxEntries: config.cache.maxEntries,
      onError,
      ...(encryption ? { encryption } : {}),
    });
  }
  const limiter: Limiter =
    config.limits.backend === "redis" && redis !== undefined
      ? new redis.RedisLimiter({ url: redisUrl })
      : new MemoryLimiter();
  const results = new ResultCache({ cache, config: config.cache, metrics, logger });
  const large = new LargeResults(cache, config.cache, metrics, logger);
  const limits = new Limits(limiter, config.limits, metrics, logger);
  return {
    results,
    large,
    limits,
    update(next) {
      results.update(next.cache);
      large.update(next.cache);
      limits.update(next.limits);
    },
    async close() {
      await Promise.allSettled([cache.close(), limiter.close()]);
    },
  };
}

/** `MCP_CACHE_KEYS` beats `cache.keyFile`; encryption without a key is a start-up error with the fix. */
async function keyringOf(
  config: RuntimeConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Keyring> {
  const fromEnv = env.MCP_CACHE_KEYS;
  if (fromEnv !== undefined && fromEnv.trim() !== "") return loadKeyring({ env: fromEnv });
  const file = config.cache.keyFile;
  if (file !== undefined) return loadKeyring({ fileText: await readFile(file, "utf8") });
  throw new Error(
    'cache.encrypt is on but no key is given: set MCP_CACHE_KEYS="id:<base64 of 32 random bytes>" or cache.keyFile',
  );
}
