/**
 * @module The sandbox executor: checks each plugin's permissions against the operator's grants,
 * then runs it in its own pool of worker threads (or child processes for `mode: process`).
 */
import type { PoolHealth, SandboxPlugin, SandboxSettings } from "./contract.js";
import { prewarmThreads, releaseWarmThreads } from "./host-process.js";
import { assertPermissions } from "./permissions.js";
import { PluginPool, type PoolOptions } from "./pool.js";

export class SandboxExecutor {
  readonly kind = "sandbox";
  private readonly options: PoolOptions;
  /** in load order (the config's), whichever host is ready first; `pool` is unset while starting */
  private pools: { pool: PluginPool | undefined }[] = [];

  constructor(options: PoolOptions = {}) {
    this.options = options;
  }

  /**
   * Starts the worker threads of plugins about to be loaded (their `sandbox` settings) ahead of
   * `load`, which takes them: start-up runs in parallel with their boot. Call `releasePrewarmed`
   * once the loads have settled, to stop any not taken.
   */
  static prewarm(sandboxes: readonly SandboxSettings[]): void {
    prewarmThreads(sandboxes);
  }

  static releasePrewarmed(): void {
    releaseWarmThreads();
  }

  /** `options` override this executor's pool options for this plugin (e.g. its own breaker). */
  async load(plugin: SandboxPlugin, options: PoolOptions = {}): Promise<PluginPool> {
    assertPermissions(plugin.id, plugin.permissions, plugin.entry.sandbox, plugin.config);
    const slot: { pool: PluginPool | undefined } = { pool: undefined };
    this.pools.push(slot);
    try {
      slot.pool = await PluginPool.start(plugin, { ...this.options, ...options });
    } catch (cause) {
      this.pools = this.pools.filter((s) => s !== slot);
      throw cause;
    }
    return slot.pool;
  }

  /** Per plugin: breaker state and live hosts, for `/readyz` and logs. */
  health(): PoolHealth[] {
    // Pools closed by a config reload (the runtime closes replaced hosts itself) leave the list here.
    this.pools = this.pools.filter((s) => s.pool === undefined || !s.pool.isClosed);
    return this.pools.flatMap((s) => (s.pool ? [s.pool.health()] : []));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.pools.splice(0).map((s) => s.pool?.close()));
  }
}
