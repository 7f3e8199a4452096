/** @module The one `Cache` contract both backends (memory LRU, Redis) implement. */
import type { CacheError } from "./errors.js";

export interface CacheSetOptions {
  /** time to live, ms, integer > 0 */
  ttlMs: number;
  /** invalidation groups this entry joins (e.g. "uri:file:///a", "kind:resources"); see invalidate() */
  groups?: readonly string[];
}

export interface CacheHit {
  value: string;
  /** ms the entry still has to live */
  ttlMs: number;
}

export interface Codec<T> {
  /** text to store, or undefined: do not store this value (e.g. an error result) */
  encode(value: T): string | undefined;
  decode(text: string): T;
}

export interface Computed<T> {
  value: T;
  /** false only for the caller whose `compute` ran (a stored value, or another caller's flight, is a hit) */
  hit: boolean;
  /** ms left (hit) or the ttl it was stored with (miss); 0 when not stored */
  ttlMs: number;
}

export interface CacheStats {
  /** lookups in the store that found a live value (callers joining an in-flight compute are not counted) */
  hits: number;
  /** lookups in the store that found nothing usable */
  misses: number;
  /** live entries dropped to stay within the memory bounds (expired ones are not counted) */
  evictions: number;
  /** memory backend only */
  entries?: number;
  /** memory backend only */
  bytes?: number;
}

/** Receives the errors a cache swallowed to keep a call going (Redis down, undecryptable entry). */
export type CacheErrorListener = (error: CacheError) => void;

export interface Cache {
  readonly backend: "memory" | "redis";
  get(key: string): Promise<CacheHit | undefined>;
  set(key: string, value: string, options: CacheSetOptions): Promise<void>;
  delete(key: string): Promise<void>;
  /** Drops every live entry that joined `group`; resolves to how many were dropped. */
  invalidate(group: string): Promise<number>;
  /**
   * Read-through with single flight: a hit decodes the stored text; on a miss exactly one `compute`
   * runs for concurrent callers of the same key (all of them get its value), and its encoded value
   * is stored. With Redis the single flight also holds across processes.
   */
  getOrCompute<T>(
    key: string,
    options: CacheSetOptions,
    compute: () => Promise<T>,
    codec: Codec<T>,
  ): Promise<Computed<T>>;
  /** A view whose keys and groups are prefixed with `prefix` (namespacing per plugin / per subject). */
  namespace(prefix: string): Cache;
  stats(): CacheStats;
  close(): Promise<void>;
}
