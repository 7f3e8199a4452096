/**
 * @module Option checks shared by both backends. A caller's mistake is a TypeError naming the
 * option (checked once in constructors; per call only the cheap `ttlMs`/`groups` checks).
 */
import type { CacheErrorListener, CacheSetOptions } from "./types.js";

export function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new TypeError(`"${name}" option must be a positive integer`);
  return value;
}

export function checkSetOptions(options: CacheSetOptions): void {
  if (typeof options !== "object" || options === null)
    throw new TypeError('"options" must be an object with "ttlMs"');
  if (!Number.isSafeInteger(options.ttlMs) || options.ttlMs <= 0)
    throw new TypeError('"ttlMs" option must be a positive integer');
  const groups = options.groups;
  if (groups === undefined) return;
  if (!Array.isArray(groups)) throw new TypeError('"groups" option must be an array of strings');
  for (const group of groups)
    if (typeof group !== "string" || group.length === 0)
      throw new TypeError('"groups" option must contain only non-empty strings');
}

export function checkPrefix(prefix: string): void {
  if (typeof prefix !== "string" || prefix.length === 0)
    throw new TypeError("namespace prefix must be a non-empty string");
}

export function checkListener(listener: CacheErrorListener | undefined): CacheErrorListener | undefined {
  if (listener !== undefined && typeof listener !== "function")
    throw new TypeError('"onError" option must be a function');
  return listener;
}
