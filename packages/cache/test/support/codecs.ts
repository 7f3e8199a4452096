/** @module Codecs and a counted, slow compute shared by the cache tests. */
import type { Codec } from "../../src/index.js";

export const textCodec: Codec<string> = { encode: (value) => value, decode: (text) => text };

/** Leaves the value "skip" unstored, like an error result the runtime would not cache. */
export const skippingCodec: Codec<string> = {
  encode: (value) => (value === "skip" ? undefined : value),
  decode: (text) => text,
};

export const jsonCodec: Codec<{ n: number }> = {
  encode: (value) => JSON.stringify(value),
  decode: (text) => {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || typeof (parsed as { n?: unknown }).n !== "number")
      throw new Error("not a { n } record");
    return parsed as { n: number };
  },
};

/** A compute that counts its runs and takes `delayMs` to answer `value`. */
export function countedCompute<T>(value: T, delayMs = 20): { run: () => Promise<T>; readonly calls: number } {
  let calls = 0;
  return {
    run: async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return value;
    },
    get calls() {
      return calls;
    },
  };
}
