/**
 * @module The in-process cache: an LRU bounded in bytes and in entries, with TTL, invalidation
 * groups, single flight and optional encryption at rest. Recency is a Map's insertion order (a hit
 * re-inserts the entry at the end), so eviction walks from the oldest entry with no extra list.
 */
import { CacheError } from "./errors.js";
import { Flights } from "./flights.js";
import { checkKeyring, type Keyring } from "./keyring.js";
import { NamespacedCache } from "./namespaced-cache.js";
import { checkListener, checkPrefix, checkSetOptions, positiveInteger } from "./options.js";
import { decodeStored, report, UNDECODABLE } from "./report.js";
import { open, seal } from "./sealed-value.js";
import type {
  Cache,
  CacheErrorListener,
  CacheHit,
  CacheSetOptions,
  CacheStats,
  Codec,
  Computed,
} from "./types.js";

export interface MemoryCacheOptions {
  /** bound on the sum of entry sizes (stored text bytes + key length); default 64 MiB */
  maxBytes?: number;
  /** bound on the number of entries; default 10 000 */
  maxEntries?: number;
  /** encrypt values at rest (see loadKeyring) */
  encryption?: Keyring;
  /** receives errors the cache swallowed (undecryptable or undecodable entries dropped as misses) */
  onError?: CacheErrorListener;
  /** clock in ms, for tests; default Date.now */
  now?: () => number;
}

export interface MemoryCacheStats extends CacheStats {
  entries: number;
  bytes: number;
  /** groups with at least one entry in the invalidation index */
  groups: number;
}

interface Entry {
  /** stored text: the value, or its sealed form when encrypted */
  text: string;
  expiresAt: number;
  size: number;
  groups: readonly string[] | undefined;
}

export class MemoryCache implements Cache {
  readonly backend = "memory" as const;
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private readonly keyring: Keyring | undefined;
  private readonly onError: CacheErrorListener | undefined;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly flights = new Flights();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(options: MemoryCacheOptions = {}) {
    this.maxBytes = positiveInteger("maxBytes", options.maxBytes, 64 * 1024 * 1024);
    this.maxEntries = positiveInteger("maxEntries", options.maxEntries, 10_000);
    this.keyring = options.encryption === undefined ? undefined : checkKeyring(options.encryption);
    this.onError = checkListener(options.onError);
    if (options.now !== undefined && typeof options.now !== "function")
      throw new TypeError('"now" option must be a function returning ms');
    this.now = options.now ?? Date.now;
  }

  /** The hit path: one Map lookup and a re-insert; decryption only when a key ring is set. */
  private lookup(key: string): CacheHit | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    const left = entry.expiresAt - this.now();
    if (left <= 0) {
      this.drop(key, entry);
      this.misses++;
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    const value = this.keyring === undefined ? entry.text : open(this.keyring, key, entry.text);
    if (typeof value !== "string") {
      this.drop(key, entry);
      this.misses++;
      report(this.onError, value);
      return undefined;
    }
    this.hits++;
    return { value, ttlMs: left };
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.size;
    if (entry.groups === undefined) return;
    for (const group of entry.groups) {
      const keys = this.groups.get(group);
      if (keys === undefined) continue;
      keys.delete(key);
      if (keys.size === 0) this.groups.delete(group);
    }
  }

  /** Stores and evicts; false when the entry alone exceeds maxBytes (then nothing is stored). */
  private store(key: string, value: string, options: CacheSetOptions): boolean {
    const text = this.keyring === undefined ? value : seal(this.keyring, key, value);
    const size = Buffer.byteLength(text) + key.length;
    const previous = this.entries.get(key);
    if (previous !== undefined) this.drop(key, previous);
    if (size > this.maxBytes) return false;
    const groups = options.groups?.length ? [...new Set(options.groups)] : undefined;
    this.entries.set(key, { text, expiresAt: this.now() + options.ttlMs, size, groups });
    this.bytes += size;
    if (groups !== undefined)
      for (const group of groups) {
        const keys = this.groups.get(group);
        if (keys === undefined) this.groups.set(group, new Set([key]));
        else keys.add(key);
      }
    this.evict();
    return true;
  }

  /**
   * Oldest first; an expired entry met on the way is dropped without counting as an eviction.
   * Expired entries deeper in the map wait for an access or their turn (no full sweeps per set).
   */
  private evict(): void {
    if (this.bytes <= this.maxBytes && this.entries.size <= this.maxEntries) return;
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes && this.entries.size <= this.maxEntries) return;
      this.drop(key, entry);
      if (entry.expiresAt > now) this.evictions++;
    }
  }

  async get(key: string): Promise<CacheHit | undefined> {
    return this.lookup(key);
  }

  async set(key: string, value: string, options: CacheSetOptions): Promise<void> {
    checkSetOptions(options);
    this.store(key, value, options);
  }

  async delete(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (entry !== undefined) this.drop(key, entry);
  }

  async invalidate(group: string): Promise<number> {
    const keys = this.groups.get(group);
    if (keys === undefined) return 0;
    const now = this.now();
    let dropped = 0;
    // a copy: drop() edits this very set
    for (const key of [...keys]) {
      const entry = this.entries.get(key);
      if (entry === undefined) continue;
      this.drop(key, entry);
      if (entry.expiresAt > now) dropped++;
    }
    return dropped;
  }

  async getOrCompute<T>(
    key: string,
    options: CacheSetOptions,
    compute: () => Promise<T>,
    codec: Codec<T>,
  ): Promise<Computed<T>> {
    checkSetOptions(options);
    const running = this.flights.join<T>(key);
    if (running !== undefined) return running;
    const hit = this.lookup(key);
    if (hit !== undefined) {
      const value = decodeStored(codec, hit.value, this.onError);
      if (value !== UNDECODABLE) return { value, hit: true, ttlMs: hit.ttlMs };
      await this.delete(key);
    }
    return this.flights.start(key, async () => {
      const value = await compute();
      const text = codec.encode(value);
      const stored = text !== undefined && this.store(key, text, options);
      return { value, hit: false, ttlMs: stored ? options.ttlMs : 0 };
    });
  }

  namespace(prefix: string): Cache {
    checkPrefix(prefix);
    return new NamespacedCache(this, prefix);
  }

  stats(): MemoryCacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      entries: this.entries.size,
      bytes: this.bytes,
      groups: this.groups.size,
    };
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.groups.clear();
    this.bytes = 0;
  }
}

export interface CreateCacheOptions extends MemoryCacheOptions {
  backend: "memory";
}

/** The main entry's factory; the Redis backend is `createRedisCache` from `@mcp-runtime/cache/redis`. */
export function createCache(options: CreateCacheOptions): MemoryCache {
  if (options?.backend !== "memory")
    throw new CacheError(
      "ERR_CACHE_OPTIONS",
      '"backend" must be "memory" here; for Redis use createRedisCache from "@mcp-runtime/cache/redis"',
    );
  const { backend: _backend, ...rest } = options;
  return new MemoryCache(rest);
}
