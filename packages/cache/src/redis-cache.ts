/**
 * @module The Redis cache: values as strings with PX ttl, groups as Redis sets, and a single flight
 * that holds across processes through a `SET NX PX` lock per key. Any Redis failure inside
 * `getOrCompute` degrades to running `compute` directly, reported through `onError`.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { CacheError, unavailable } from "./errors.js";
import { Flights } from "./flights.js";
import { checkKeyring, type Keyring } from "./keyring.js";
import { NamespacedCache } from "./namespaced-cache.js";
import { checkListener, checkPrefix, checkSetOptions, positiveInteger } from "./options.js";
import { connect, RedisLink } from "./redis-link.js";
import { DELETE_IF_EQUAL, INVALIDATE, READ, READ_OR_LOCK, STORE_IN_GROUPS } from "./redis-scripts.js";
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

export interface RedisCacheOptions {
  /** redis:// or rediss:// URL; the cache makes (and closes) its own client. Give this or `client`. */
  url?: string;
  /** an ioredis client owned by the caller: used as is and never closed by `close()` */
  client?: Redis;
  /** prefix of every key this cache writes; default "mcp:cache:" */
  keyPrefix?: string;
  /** bound on each Redis round trip (and on the first connection); default 1000 */
  commandTimeoutMs?: number;
  /** how long a computing process holds a key's lock, and how long others wait for it; default 30 000 */
  lockMs?: number;
  /** encrypt values at rest (see loadKeyring) */
  encryption?: Keyring;
  /** receives errors the cache swallowed (Redis down during getOrCompute, undecryptable entries) */
  onError?: CacheErrorListener;
}

/** Backoff of a process waiting for another's compute: 5, 10, 20 ... ms, at most 100 ms apart. */
const POLL_FIRST_MS = 5;
const POLL_MAX_MS = 100;

interface StoredHit {
  text: string;
  ttlMs: number;
}

function parseHit(reply: unknown): StoredHit | undefined {
  if (!Array.isArray(reply) || typeof reply[0] !== "string" || typeof reply[1] !== "number") return undefined;
  // PTTL is -1 only for a key written without a ttl by someone else; report it as no time left
  return { text: reply[0], ttlMs: Math.max(reply[1], 0) };
}

function checkOptions(options: RedisCacheOptions): void {
  if (typeof options !== "object" || options === null)
    throw new TypeError("RedisCache options must be an object");
  if ((options.url === undefined) === (options.client === undefined))
    throw new CacheError("ERR_CACHE_OPTIONS", 'RedisCache needs exactly one of "url" or "client"');
  if (options.url !== undefined && (typeof options.url !== "string" || !/^rediss?:\/\//.test(options.url)))
    throw new TypeError('"url" option must be a redis:// or rediss:// URL');
  // duck-typed: a caller's ioredis may be another copy of the package, where instanceof fails
  if (options.client !== undefined && typeof options.client?.evalsha !== "function")
    throw new TypeError('"client" option must be an ioredis client');
  if (
    options.keyPrefix !== undefined &&
    (typeof options.keyPrefix !== "string" || options.keyPrefix.length === 0)
  )
    throw new TypeError('"keyPrefix" option must be a non-empty string');
}

export class RedisCache implements Cache {
  readonly backend = "redis" as const;
  private readonly link: RedisLink;
  private readonly prefix: string;
  private readonly lockMs: number;
  private readonly keyring: Keyring | undefined;
  private readonly onError: CacheErrorListener | undefined;
  private readonly flights = new Flights();
  private hits = 0;
  private misses = 0;

  constructor(options: RedisCacheOptions) {
    checkOptions(options);
    const timeoutMs = positiveInteger("commandTimeoutMs", options.commandTimeoutMs, 1_000);
    this.lockMs = positiveInteger("lockMs", options.lockMs, 30_000);
    this.prefix = options.keyPrefix ?? "mcp:cache:";
    this.keyring = options.encryption === undefined ? undefined : checkKeyring(options.encryption);
    this.onError = checkListener(options.onError);
    const client = options.client ?? connect(options.url ?? "", timeoutMs);
    this.link = new RedisLink(client, options.client === undefined, timeoutMs);
  }

  // "v:", "lock:" and "g:" keep values, locks and group sets apart whatever the caller's keys are
  private valueKey(key: string): string {
    return `${this.prefix}v:${key}`;
  }

  private lockKey(key: string): string {
    return `${this.prefix}lock:${key}`;
  }

  private groupKey(group: string): string {
    return `${this.prefix}g:${group}`;
  }

  async get(key: string): Promise<CacheHit | undefined> {
    const full = this.valueKey(key);
    const hit = parseHit(await this.link.run((client) => READ.run(client, [full], [])));
    const value = hit === undefined ? undefined : await this.readable(full, hit.text);
    if (hit === undefined || value === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return { value, ttlMs: hit.ttlMs };
  }

  async set(key: string, value: string, options: CacheSetOptions): Promise<void> {
    checkSetOptions(options);
    await this.store(this.valueKey(key), value, options);
  }

  async delete(key: string): Promise<void> {
    const full = this.valueKey(key);
    await this.link.run((client) => client.del(full));
  }

  async invalidate(group: string): Promise<number> {
    const set = this.groupKey(group);
    const dropped = await this.link.run((client) => INVALIDATE.run(client, [set], []));
    return typeof dropped === "number" ? dropped : 0;
  }

  async getOrCompute<T>(
    key: string,
    options: CacheSetOptions,
    compute: () => Promise<T>,
    codec: Codec<T>,
  ): Promise<Computed<T>> {
    checkSetOptions(options);
    return (
      this.flights.join<T>(key) ??
      this.flights.start(key, () => this.readThrough(key, options, compute, codec))
    );
  }

  /** One flight of this process: hit, or win the lock and compute, or wait for the lock's holder. */
  private async readThrough<T>(
    key: string,
    options: CacheSetOptions,
    compute: () => Promise<T>,
    codec: Codec<T>,
  ): Promise<Computed<T>> {
    const full = this.valueKey(key);
    const lock = this.lockKey(key);
    const token = randomBytes(16).toString("base64url");
    const deadline = Date.now() + this.lockMs;
    let pause = POLL_FIRST_MS;
    for (;;) {
      let reply: unknown;
      try {
        reply = await this.link.run((client) => READ_OR_LOCK.run(client, [full, lock], [token, this.lockMs]));
      } catch (error) {
        // the cache is down, the call is not
        report(this.onError, unavailable(error));
        this.misses++;
        return { value: await compute(), hit: false, ttlMs: 0 };
      }
      if (reply === 1) return this.computeAndStore(full, options, compute, codec, lock, token);
      const hit = parseHit(reply);
      if (hit !== undefined) {
        const value = await this.decoded(full, hit.text, codec);
        if (value !== UNDECODABLE) {
          this.hits++;
          return { value, hit: true, ttlMs: hit.ttlMs };
        }
        // dropped as unreadable; computing now (without the lock) cannot loop on a value we cannot read
        return this.computeAndStore(full, options, compute, codec, undefined, token);
      }
      // Another process holds the lock. After lockMs its lock has expired anyway (or it is stuck):
      // compute here rather than wait longer.
      const left = deadline - Date.now();
      if (left <= 0) return this.computeAndStore(full, options, compute, codec, undefined, token);
      await sleep(Math.min(pause, left));
      pause = Math.min(pause * 2, POLL_MAX_MS);
    }
  }

  private async computeAndStore<T>(
    full: string,
    options: CacheSetOptions,
    compute: () => Promise<T>,
    codec: Codec<T>,
    lock: string | undefined,
    token: string,
  ): Promise<Computed<T>> {
    this.misses++;
    let value: T;
    let text: string | undefined;
    try {
      value = await compute();
      text = codec.encode(value);
    } catch (error) {
      if (lock !== undefined) await this.release(lock, token);
      throw error;
    }
    let stored = false;
    if (text !== undefined) {
      try {
        await this.store(full, text, options);
        stored = true;
      } catch (error) {
        report(this.onError, unavailable(error));
      }
    }
    // after the store: a waiter sees the value before the lock goes, so it never computes again
    if (lock !== undefined) await this.release(lock, token);
    return { value, hit: false, ttlMs: stored ? options.ttlMs : 0 };
  }

  private async store(full: string, value: string, options: CacheSetOptions): Promise<void> {
    const text = this.keyring === undefined ? value : seal(this.keyring, full, value);
    const groups = options.groups;
    if (groups === undefined || groups.length === 0) {
      await this.link.run((client) => client.set(full, text, "PX", options.ttlMs));
      return;
    }
    const keys = [full];
    for (const group of new Set(groups)) keys.push(this.groupKey(group));
    await this.link.run((client) => STORE_IN_GROUPS.run(client, keys, [text, options.ttlMs]));
  }

  /** Releases the lock only if this flight still holds it (it may have expired and moved on). */
  private async release(lock: string, token: string): Promise<void> {
    try {
      await this.link.run((client) => DELETE_IF_EQUAL.run(client, [lock], [token]));
    } catch (error) {
      // the lock expires by itself after lockMs
      report(this.onError, unavailable(error));
    }
  }

  /** The plaintext of a stored text, or undefined after dropping an undecryptable one. */
  private async readable(full: string, text: string): Promise<string | undefined> {
    if (this.keyring === undefined) return text;
    const value = open(this.keyring, full, text);
    if (typeof value === "string") return value;
    report(this.onError, value);
    await this.drop(full, text);
    return undefined;
  }

  private async decoded<T>(full: string, text: string, codec: Codec<T>): Promise<T | typeof UNDECODABLE> {
    const plain = await this.readable(full, text);
    if (plain === undefined) return UNDECODABLE;
    const value = decodeStored(codec, plain, this.onError);
    if (value === UNDECODABLE) await this.drop(full, text);
    return value;
  }

  /** Deletes an unreadable value unless another writer has replaced it meanwhile. */
  private async drop(full: string, text: string): Promise<void> {
    try {
      await this.link.run((client) => DELETE_IF_EQUAL.run(client, [full], [text]));
    } catch (error) {
      report(this.onError, unavailable(error));
    }
  }

  namespace(prefix: string): Cache {
    checkPrefix(prefix);
    return new NamespacedCache(this, prefix);
  }

  /** Counts of this instance; Redis's own evictions (maxmemory) are not visible here. */
  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, evictions: 0 };
  }

  async close(): Promise<void> {
    await this.link.close();
  }
}

export function createRedisCache(options: RedisCacheOptions): RedisCache {
  return new RedisCache(options);
}
