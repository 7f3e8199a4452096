/**
 * @module Shared fast-check settings for the fuzz properties: bounded runs in `npm test`, a long
 * run with `FUZZ_RUNS=20000` (`npm run fuzz`), and a seed printed so a failure replays with
 * `FUZZ_SEED=<seed>`.
 */
import type { Parameters } from "fast-check";

export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 200);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 0x7fffffff));
/** Vitest timeout for one property: generous in a long run, tight in the default one. */
export const FUZZ_TIMEOUT_MS = FUZZ_RUNS > 200 ? 1_800_000 : 30_000;

console.info(`fuzz: ${FUZZ_RUNS} runs per property, seed ${FUZZ_SEED} (replay with FUZZ_SEED=${FUZZ_SEED})`);

/** fast-check parameters with the shared seed; `share` scales runs for expensive properties. */
export function fuzzParams<T>(share = 1): Parameters<T> {
  return { numRuns: Math.max(1, Math.round(FUZZ_RUNS * share)), seed: FUZZ_SEED };
}

/** Text a client must never see: stack frames and internal paths. */
export const LEAK = /\n?\s{4}at |\/work\/|node_modules|[A-Za-z]:\\|\.ts:\d+|\.js:\d+/;
