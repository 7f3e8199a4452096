/**
 * @module Process-level state of the endpoint: calls in flight (what a drain waits for), whether we
 * are draining, open SSE streams (which get keep-alive comments from one shared timer, not one
 * timer per stream) and long-lived streams to end when the drain starts.
 */
import type { ServerResponse } from "node:http";
import { isOpen } from "./sse.js";

/** A long-lived stream (listen, GET, /sse) that the drain ends cleanly. */
export interface LongStream {
  end(reason: string): void;
}

export class Lifecycle {
  draining = false;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly streams = new Set<ServerResponse>();
  private readonly longStreams = new Set<LongStream>();
  private readonly timer: NodeJS.Timeout;

  constructor(keepAliveMs: number) {
    this.timer = setInterval(() => this.keepAlive(), keepAliveMs);
    this.timer.unref();
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  begin(): void {
    this.inFlight++;
  }

  end(): void {
    if (--this.inFlight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves true when nothing is in flight, false when `timeoutMs` passed first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  trackStream(res: ServerResponse): void {
    this.streams.add(res);
  }

  untrackStream(res: ServerResponse): void {
    this.streams.delete(res);
  }

  addLongStream(stream: LongStream): void {
    this.longStreams.add(stream);
  }

  removeLongStream(stream: LongStream): void {
    this.longStreams.delete(stream);
  }

  /** Ends every long-lived stream (drain start). */
  endLongStreams(reason: string): void {
    for (const stream of [...this.longStreams]) stream.end(reason);
    this.longStreams.clear();
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  private keepAlive(): void {
    for (const res of this.streams) {
      if (isOpen(res)) res.write(": keep-alive\n\n");
      else this.streams.delete(res);
    }
  }
}
