/**
 * @module A stdio upstream's stderr, relayed to the log a line at a time: lines are cut at
 * `maxLineChars`, and a token bucket (`linesPerSecond`, `burst`) keeps a chatty server from
 * flooding the log; what it drops is counted and reported once lines flow again.
 */
import type { Logger } from "../logger.js";

export interface StderrRelayOptions {
  upstream: string;
  logger: Logger;
  maxLineChars?: number;
  linesPerSecond?: number;
  burst?: number;
}

export class StderrRelay {
  private readonly upstream: string;
  private readonly logger: Logger;
  private readonly maxLineChars: number;
  private readonly perMs: number;
  private readonly burst: number;
  private tokens: number;
  private refilledAt = Date.now();
  private partial = "";
  private dropped = 0;

  constructor(options: StderrRelayOptions) {
    this.upstream = options.upstream;
    this.logger = options.logger;
    this.maxLineChars = options.maxLineChars ?? 1_000;
    this.perMs = (options.linesPerSecond ?? 20) / 1000;
    this.burst = options.burst ?? 100;
    this.tokens = this.burst;
  }

  push(chunk: Buffer): void {
    let text = this.partial + chunk.toString("utf8");
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      this.line(text.slice(0, newline));
      text = text.slice(newline + 1);
      newline = text.indexOf("\n");
    }
    // A line without an end in sight is cut here rather than buffered without bound.
    if (text.length > this.maxLineChars) {
      this.line(text);
      text = "";
    }
    this.partial = text;
  }

  /** The process ended: its last, unterminated line still counts. */
  end(): void {
    if (this.partial.length > 0) this.line(this.partial);
    this.partial = "";
    this.reportDropped();
  }

  private line(raw: string): void {
    const trimmed = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (trimmed.trim().length === 0) return;
    if (!this.take()) {
      this.dropped++;
      return;
    }
    this.reportDropped();
    const line =
      trimmed.length > this.maxLineChars ? `${trimmed.slice(0, this.maxLineChars)}… (truncated)` : trimmed;
    this.logger.info({ msg: "upstream stderr", upstream: this.upstream, line });
  }

  private take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.perMs);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private reportDropped(): void {
    if (this.dropped === 0) return;
    this.logger.warn({
      msg: "upstream stderr lines dropped",
      upstream: this.upstream,
      dropped: this.dropped,
    });
    this.dropped = 0;
  }
}
