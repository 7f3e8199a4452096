/**
 * @module The sandbox executor: checks each plugin's permissions against the operator's grants,
 * then runs it in its own pool of worker threads (or child processes for `mode: process`).
 */
import type { PoolHealth, SandboxPlugin } from "./contract.js";
import { assertPermissions } from "./permissions.js";
import { PluginPool, type PoolOptions } from "./pool.js";

export class SandboxExecutor {
  readonly kind = "sandbox";
  private readonly options: PoolOptions;
  /** in load order (the config's), whichever host is ready first; undefined while starting */
  private readonly pools: (PluginPool | undefined)[] = [];

  constructor(options: PoolOptions = {}) {
    this.options = options;
  }

  /** `options` override this executor's pool options for this plugin (e.g. its own breaker). */
  async load(plugin: SandboxPlugin, options: PoolOptions = {}): Promise<PluginPool> {
    assertPermissions(plugin.id, plugin.permissions, plugin.entry.sandbox, plugin.config);
    const index = this.pools.push(undefined) - 1;
    const pool = await PluginPool.start(plugin, { ...this.options, ...options });
    this.pools[index] = pool;
    return pool;
  }

  /** Per plugin: breaker state and live hosts, for `/readyz` and logs. */
  health(): PoolHealth[] {
    // A pool closed by a config reload stays listed until it is gone from here.
    return this.pools.flatMap((pool) => (pool && !pool.isClosed ? [pool.health()] : []));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.pools.splice(0).map((pool) => pool?.close()));
  }
}
