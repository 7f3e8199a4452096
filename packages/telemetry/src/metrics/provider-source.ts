/**
 * @module A provider callback read at scrape time: one call per scrape however many metrics use it,
 * a timeout so a stuck provider cannot hang the scrape, and failures turned into "no samples" plus
 * a count in `mcp_metrics_collect_errors_total`.
 */

/** A scrape-time value; `undefined` means "nothing to report now" (no samples, not an error). */
export type Provider<T> = () => T | undefined | Promise<T | undefined>;

export class ProviderSource<T> {
  private inflight: Promise<T | undefined> | undefined;
  /** scrapes in which this provider threw, rejected or timed out */
  failures = 0;

  constructor(
    readonly name: string,
    private readonly provider: Provider<T>,
    private readonly timeoutMs: number,
  ) {}

  /**
   * The value for the current scrape. `Registry.metrics()` starts every metric's `get()` in one
   * synchronous pass, so all metrics of one scrape share the in-flight call.
   */
  read(): Promise<T | undefined> {
    if (this.inflight === undefined) {
      this.inflight = this.run().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  /** Resolves when the current scrape's call (if any) has settled. */
  settled(): Promise<unknown> {
    return this.inflight ?? Promise.resolve();
  }

  private async run(): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const value = this.provider();
      if (!(value instanceof Promise)) return value;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`provider "${this.name}" timed out`)), this.timeoutMs);
        timer.unref();
      });
      return await Promise.race([value, timeout]);
    } catch {
      // The scrape must survive a broken provider; the error count is the signal to go look.
      this.failures++;
      return undefined;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}
