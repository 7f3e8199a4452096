/**
 * @module prom-client metrics whose samples are computed at scrape time (from the runtime's own
 * counters or from provider callbacks) instead of being pushed per event. They subclass prom-client's
 * classes only so a `Registry` accepts them and formats them; the samples come from `read`.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** One sample as prom-client's `get()` returns it. */
export type Sample<T extends string> = Awaited<ReturnType<Gauge<T>["get"]>>["values"][number];
/** One histogram line (`_bucket`, `_sum`, `_count`) as prom-client's `get()` returns it. */
export type NamedSample<T extends string> = Awaited<ReturnType<Histogram<T>["get"]>>["values"][number];

export interface ScrapedMetricConfig<T extends string> {
  name: string;
  help: string;
  labelNames: readonly T[];
  registry: Registry;
}

/** `undefined` from `read` means "no samples this scrape" (a failed provider), not zero. */
export type SampleReader<S> = () => readonly S[] | undefined | Promise<readonly S[] | undefined>;

export class ScrapedCounter<T extends string> extends Counter<T> {
  constructor(
    config: ScrapedMetricConfig<T>,
    private readonly read: SampleReader<Sample<T>>,
  ) {
    super({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      registers: [config.registry],
    });
  }

  override async get(): Promise<Awaited<ReturnType<Counter<T>["get"]>>> {
    const [base, samples] = await Promise.all([super.get(), this.read()]);
    base.values = samples === undefined ? [] : [...samples];
    return base;
  }
}

export class ScrapedGauge<T extends string> extends Gauge<T> {
  constructor(
    config: ScrapedMetricConfig<T>,
    private readonly read: SampleReader<Sample<T>>,
  ) {
    super({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      registers: [config.registry],
    });
  }

  override async get(): Promise<Awaited<ReturnType<Gauge<T>["get"]>>> {
    const [base, samples] = await Promise.all([super.get(), this.read()]);
    base.values = samples === undefined ? [] : [...samples];
    return base;
  }
}

/**
 * prom-client's `Histogram.get()` calls `getForPromString()`, so overriding both on one object would
 * recurse; the metadata (name, help, type) comes from an unregistered twin that is never observed.
 */
export class ScrapedHistogram<T extends string> extends Histogram<T> {
  private readonly twin: Histogram<T>;

  constructor(
    config: ScrapedMetricConfig<T> & { buckets: readonly number[] },
    /** samples carry `le` in `labels`, as prom-client's own histogram samples do */
    private readonly read: () => NamedSample<T>[],
  ) {
    const base = {
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      buckets: [...config.buckets],
    };
    super({ ...base, registers: [config.registry] });
    this.twin = new Histogram<T>({ ...base, registers: [] });
  }

  override async get(): Promise<Awaited<ReturnType<Histogram<T>["get"]>>> {
    const base = await this.twin.get();
    base.values = this.read();
    return base;
  }

  /** What `Registry.metrics()` calls for histograms; the samples already carry `le`. */
  getForPromString(): Promise<Awaited<ReturnType<Histogram<T>["get"]>>> {
    return this.get();
  }
}
