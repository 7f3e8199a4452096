/**
 * @module Pseudonymous ids for session and subject ids in spans and logs, so a trace backend never
 * holds the raw values. A bounded cache keeps a hot subject from being re-hashed per request.
 */
import { createHash, createHmac } from "node:crypto";

export interface IdHasherOptions {
  /**
   * Secret mixed into every id (HMAC-SHA256 key). Without it the id is plain sha256, which anyone
   * holding a candidate id can recompute; with it, ids cannot be linked back without the salt.
   */
  salt?: string;
  /** cached results before the cache is cleared; default 1024, 0 disables caching */
  cacheSize?: number;
}

/** Longer inputs are hashed but not cached, so a client sending huge ids cannot pin much memory. */
const MAX_CACHED_INPUT_LENGTH = 256;
const ID_LENGTH = 16;

/** Returns a function mapping a value to the first 16 hex chars of sha256 (or HMAC-SHA256 with a salt). */
export function createIdHasher(options: IdHasherOptions = {}): (value: string) => string {
  const { salt, cacheSize = 1024 } = options;
  if (salt !== undefined && typeof salt !== "string") {
    throw new TypeError('"salt" option must be a string');
  }
  if (!Number.isInteger(cacheSize) || cacheSize < 0) {
    throw new TypeError('"cacheSize" option must be a non-negative integer');
  }
  const digest =
    salt === undefined || salt === ""
      ? (value: string) => createHash("sha256").update(value).digest("hex").slice(0, ID_LENGTH)
      : (value: string) => createHmac("sha256", salt).update(value).digest("hex").slice(0, ID_LENGTH);
  if (cacheSize === 0) return digest;

  // Clear-when-full rather than LRU: no per-hit bookkeeping, and the hot ids are back after one miss.
  const cache = new Map<string, string>();
  return (value: string) => {
    const cached = cache.get(value);
    if (cached !== undefined) return cached;
    const id = digest(value);
    if (value.length <= MAX_CACHED_INPUT_LENGTH) {
      if (cache.size >= cacheSize) cache.clear();
      cache.set(value, id);
    }
    return id;
  };
}

let defaultHasher = createIdHasher();

/** Stable pseudonymous id (16 hex chars) for a session or subject id; see {@link setHashSalt}. */
export function hashId(value: string): string {
  return defaultHasher(value);
}

/** Sets the salt {@link hashId} uses (and drops its cache); call once at start-up. */
export function setHashSalt(salt: string | undefined): void {
  defaultHasher = createIdHasher(salt === undefined ? {} : { salt });
}
