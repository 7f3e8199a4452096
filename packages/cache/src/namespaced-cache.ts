/**
 * @module A prefixed view of a cache (one per plugin or per subject). Keys and groups get the same
 * prefix, so a view can invalidate only its own groups. The view shares the root's storage, single
 * flight and stats; closing a view does nothing, the root's owner closes the root.
 */
import { checkPrefix } from "./options.js";
import type { Cache, CacheHit, CacheSetOptions, CacheStats, Codec, Computed } from "./types.js";

export class NamespacedCache implements Cache {
  readonly backend: Cache["backend"];

  constructor(
    private readonly root: Cache,
    private readonly prefix: string,
  ) {
    checkPrefix(prefix);
    this.backend = root.backend;
  }

  private scoped(options: CacheSetOptions): CacheSetOptions {
    const groups = options?.groups;
    if (groups === undefined || groups.length === 0) return options;
    return { ttlMs: options.ttlMs, groups: groups.map((group) => this.prefix + group) };
  }

  get(key: string): Promise<CacheHit | undefined> {
    return this.root.get(this.prefix + key);
  }

  set(key: string, value: string, options: CacheSetOptions): Promise<void> {
    return this.root.set(this.prefix + key, value, this.scoped(options));
  }

  delete(key: string): Promise<void> {
    return this.root.delete(this.prefix + key);
  }

  invalidate(group: string): Promise<number> {
    return this.root.invalidate(this.prefix + group);
  }

  getOrCompute<T>(
    key: string,
    options: CacheSetOptions,
    compute: () => Promise<T>,
    codec: Codec<T>,
  ): Promise<Computed<T>> {
    return this.root.getOrCompute(this.prefix + key, this.scoped(options), compute, codec);
  }

  namespace(prefix: string): Cache {
    checkPrefix(prefix);
    return new NamespacedCache(this.root, this.prefix + prefix);
  }

  stats(): CacheStats {
    return this.root.stats();
  }

  async close(): Promise<void> {}
}
