/** @module Restart delays: exponential from a base to a ceiling, with jitter so restarts do not align. */

export interface BackoffOptions {
  backoffMs: number;
  maxBackoffMs: number;
  /** 0..1 share of each delay that is random (default 0.2: 80-100 % of the nominal delay) */
  jitter?: number;
}

export class Backoff {
  private readonly base: number;
  private readonly max: number;
  private readonly jitter: number;
  private attempt = 0;

  constructor(options: BackoffOptions) {
    if (!Number.isInteger(options.backoffMs) || options.backoffMs < 1)
      throw new TypeError('"backoffMs" option must be a positive integer');
    if (!Number.isInteger(options.maxBackoffMs) || options.maxBackoffMs < options.backoffMs)
      throw new TypeError('"maxBackoffMs" option must be an integer >= "backoffMs"');
    this.base = options.backoffMs;
    this.max = options.maxBackoffMs;
    this.jitter = options.jitter ?? 0.2;
  }

  /** The delay before the next attempt; each call doubles the nominal delay up to the ceiling. */
  next(): number {
    const nominal = Math.min(this.max, this.base * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(nominal * (1 - this.jitter * Math.random()));
  }

  reset(): void {
    this.attempt = 0;
  }

  /** Attempts since the last reset. */
  get attempts(): number {
    return this.attempt;
  }
}
