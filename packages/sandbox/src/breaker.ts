/**
 * @module Crash accounting for one plugin: exponential restart backoff and a circuit breaker that
 * opens after `threshold` crashes within `windowMs`, fails calls fast for `cooldownMs`, then lets
 * one host try again (half-open) and closes on its first good answer.
 */
import type { BreakerState } from "./contract.js";

export interface BreakerOptions {
  /** crashes within the window that open the breaker; default 5 */
  threshold?: number;
  /** default 60 s */
  windowMs?: number;
  /** how long it stays open; default 30 s */
  cooldownMs?: number;
  /** first restart delay, doubled per consecutive crash up to `maxBackoffMs`; default 100 ms */
  backoffMs?: number;
  /** default 5 s */
  maxBackoffMs?: number;
}

export class CrashBreaker {
  state: BreakerState = "closed";
  crashes = 0;
  private readonly threshold: number;
  private readonly windowMs: number;
  private readonly cooldownMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private recent: number[] = [];
  private consecutive = 0;
  private openedAt = 0;

  constructor(options: BreakerOptions = {}) {
    this.threshold = options.threshold ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.backoffMs = options.backoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    for (const [name, value] of Object.entries(options)) {
      if (value !== undefined && (!Number.isFinite(value) || value < 0))
        throw new TypeError(`"${name}" option must be a non-negative number`);
    }
  }

  /** Records a crash; returns the delay before the next restart, or undefined when now open. */
  crash(now = Date.now()): number | undefined {
    this.crashes++;
    this.consecutive++;
    this.recent = this.recent.filter((t) => now - t < this.windowMs);
    this.recent.push(now);
    if (this.state === "half-open" || this.recent.length >= this.threshold) {
      this.state = "open";
      this.openedAt = now;
      return undefined;
    }
    return Math.min(this.backoffMs * 2 ** (this.consecutive - 1), this.maxBackoffMs);
  }

  /** A call came back from a host: it is healthy again. */
  success(): void {
    this.consecutive = 0;
    if (this.state === "half-open") {
      this.state = "closed";
      this.recent = [];
    }
  }

  /** Whether calls may go through now; moves open → half-open after the cooldown. */
  allows(now = Date.now()): boolean {
    if (this.state !== "open") return true;
    if (now - this.openedAt < this.cooldownMs) return false;
    this.state = "half-open";
    return true;
  }

  retryInMs(now = Date.now()): number {
    return Math.max(0, this.cooldownMs - (now - this.openedAt));
  }
}
