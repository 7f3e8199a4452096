/**
 * @module SIEM forwarding, shared parts: options, the `Forwarder` contract, backoff. Forwarding is best
 * effort by design: it gets records only after they are durable on disk, never blocks or fails the local
 * write, holds a bounded queue per destination and counts what it had to drop.
 */
import type { ForwardRecord } from "./chain-encoder.js";

export interface ForwardOptions {
  /** RFC 5424 over TCP with RFC 6587 octet counting */
  syslog?: { host: string; port: number };
  /** POST of a JSON array of records per batch */
  http?: { url: string; headers?: Record<string, string> };
  /** records held per destination while it is unreachable; beyond that new records are dropped (default 10,000) */
  maxQueue?: number;
  /** first reconnect/retry delay, doubling up to `retryMaxMs` (defaults 500 ms and 30 s) */
  retryMinMs?: number;
  retryMaxMs?: number;
}

export interface Forwarder {
  /** Takes durable records; never throws and never waits. */
  send(records: readonly ForwardRecord[]): void;
  /** Gives queued records a short grace period, then drops (and counts) the rest. */
  close(): Promise<void>;
  readonly forwarded: number;
  readonly dropped: number;
  readonly queued: number;
}

export interface ForwarderSettings {
  maxQueue: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** how long `close` waits for queued records to go out */
  closeGraceMs: number;
}

/** Exponential backoff: min, 2·min, 4·min … capped at max; `reset` after a success. */
export class Backoff {
  #attempt = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {}

  next(): number {
    const delay = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return delay;
  }

  reset(): void {
    this.#attempt = 0;
  }
}

export function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`"${name}" must be a positive integer`);
  return value;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
