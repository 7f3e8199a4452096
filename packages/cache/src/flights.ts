/**
 * @module In-process single flight: concurrent callers of one key share one promise, removed once it
 * settles (so a failure is not cached and the next caller starts afresh).
 */
import type { Computed } from "./types.js";

/** A joiner did not run `compute`: for it the value is a hit, whoever computed it. */
function joined<T>(computed: Computed<T>): Computed<T> {
  return computed.hit ? computed : { ...computed, hit: true };
}

export class Flights {
  private readonly running = new Map<string, Promise<Computed<unknown>>>();

  /**
   * The cast holds by the cache's contract: one key names one kind of value, so every caller of a
   * key passes the same codec and expects the same T.
   */
  join<T>(key: string): Promise<Computed<T>> | undefined {
    const running = this.running.get(key) as Promise<Computed<T>> | undefined;
    return running?.then(joined);
  }

  start<T>(key: string, run: () => Promise<Computed<T>>): Promise<Computed<T>> {
    const flight = run().finally(() => this.running.delete(key));
    this.running.set(key, flight);
    return flight;
  }

  get size(): number {
    return this.running.size;
  }
}
