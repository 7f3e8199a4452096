/** @module Hands swallowed errors to the `onError` listener, and decodes stored text without throwing. */
import { CacheError } from "./errors.js";
import type { CacheErrorListener, Codec } from "./types.js";

/** A listener that throws (a broken logger) must not turn a degraded call into a failed one. */
export function report(listener: CacheErrorListener | undefined, error: CacheError): void {
  if (listener === undefined) return;
  try {
    listener(error);
  } catch {}
}

export const UNDECODABLE: unique symbol = Symbol("undecodable");

/**
 * A stored text the codec rejects (written by an older version, say) is treated as a miss rather
 * than failing every call until its ttl runs out.
 */
export function decodeStored<T>(
  codec: Codec<T>,
  text: string,
  listener: CacheErrorListener | undefined,
): T | typeof UNDECODABLE {
  try {
    return codec.decode(text);
  } catch (error) {
    report(
      listener,
      new CacheError("ERR_CACHE_DECODE", "stored value could not be decoded", { cause: error }),
    );
    return UNDECODABLE;
  }
}
