/**
 * @module The watch half of `mcp-runtime dev`: each local plugin's folder (see watch-targets.ts)
 * and the config file. A change (debounced, so a save or a rebuild is one event) restarts that one
 * plugin with fresh code through the runtime's reload (the others keep running, the process and
 * its sessions stay); a config change is applied as SIGHUP applies it. One log line per reload.
 */
import { type FSWatcher, watch } from "node:fs";
import { basename, dirname, isAbsolute, relative } from "node:path";
import { performance } from "node:perf_hooks";
import type { Runtime } from "../runtime.js";
import { type TreeWatcher, watchTree } from "./tree-watcher.js";
import { type WatchTarget, watchTargetFor } from "./watch-targets.js";

const DEBOUNCE_MS = 150;

export class DevWatch {
  private readonly plugins = new Map<string, { target: WatchTarget; watcher: TreeWatcher }>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; paths: Set<string> }>();
  private configWatcher: FSWatcher | undefined;
  private closed = false;
  /** the plugin a dev reload is restarting now (its "plugin loaded" line is folded into ours) */
  private reloading: string | undefined;

  /** `cwd`: paths in the log are shown relative to it. */
  constructor(
    private readonly runtime: Runtime,
    private readonly configFile: string,
    private readonly cwd: string,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    // The folder, not the file: editors that save by rename would leave a file watcher on the old inode.
    const name = basename(this.configFile);
    this.configWatcher = watch(dirname(this.configFile), (_event, filename) => {
      if (filename === name) this.schedule("config", this.configFile, () => this.reloadConfig());
    });
    this.configWatcher.on("error", () => {});
  }

  /**
   * Whether a runtime log record only repeats what this watch reports in its own line (with the
   * duration): the runtime's reload outcome for file reloads and a reloaded plugin's load line.
   */
  repeats(record: Record<string, unknown>): boolean {
    if (
      record.source === "file" &&
      (record.msg === "config reloaded" || record.msg === "config change refused")
    )
      return true;
    return record.msg === "plugin loaded" && this.reloading !== undefined && record.plugin === this.reloading;
  }

  close(): void {
    this.closed = true;
    this.configWatcher?.close();
    for (const { watcher } of this.plugins.values()) watcher.close();
    this.plugins.clear();
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Watches the plugins now loaded (again after each config change: plugins come and go). */
  private async refresh(): Promise<void> {
    const baseDir = dirname(this.configFile);
    const wanted = new Map<string, WatchTarget>();
    for (const { resolved } of this.runtime.plugins) {
      const target = await watchTargetFor(resolved, baseDir).catch(() => undefined);
      if (target) wanted.set(target.pluginId, target);
    }
    if (this.closed) return;
    for (const [id, { target, watcher }] of this.plugins) {
      if (wanted.get(id)?.dir === target.dir) continue;
      watcher.close();
      this.plugins.delete(id);
    }
    for (const [id, target] of wanted) {
      if (this.plugins.has(id)) continue;
      const watcher = watchTree(target.dir, (path) =>
        this.schedule(`plugin:${id}`, path, (paths) => this.reloadPlugin(id, paths)),
      );
      this.plugins.set(id, { target, watcher });
      this.runtime.logger.info({
        msg: "watching plugin",
        plugin: id,
        dir: this.show(target.dir),
        ...(target.builtInto === undefined
          ? {}
          : {
              note: `reloads when ${target.builtInto}/ changes: keep its build running in watch mode (e.g. tsc --watch)`,
            }),
      });
    }
  }

  private schedule(key: string, path: string, run: (paths: string[]) => Promise<void>): void {
    if (this.closed) return;
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending.timer);
    const paths = pending?.paths ?? new Set<string>();
    paths.add(path);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      void run([...paths]).catch((cause: unknown) =>
        this.runtime.logger.error({
          msg: "dev reload failed",
          error: cause instanceof Error ? cause.message : String(cause),
        }),
      );
    }, DEBOUNCE_MS);
    this.timers.set(key, { timer, paths });
  }

  private async reloadPlugin(id: string, paths: string[]): Promise<void> {
    const started = performance.now();
    this.reloading = id;
    const outcome = await this.runtime.reload({ file: this.configFile, source: "file", fresh: [id] });
    // The logger writes on the next turn: its lines from the reload must reach `repeats` first.
    this.runtime.logger.flush();
    this.reloading = undefined;
    const ms = Math.round(performance.now() - started);
    const changed = `${this.show(paths[0] ?? "")}${paths.length > 1 ? ` (+${paths.length - 1})` : ""}`;
    if (outcome.ok) {
      // The reload reads the config file too: a config saved meanwhile was applied with it.
      const config = outcome.changes.length > 0 ? { config: outcome.changes.join(",") } : {};
      this.runtime.logger.info({ msg: "plugin reloaded", plugin: id, changed, ...config, ms });
      if (outcome.changes.length > 0) await this.refresh();
    } else
      this.runtime.logger.error({
        msg: "plugin reload failed, the previous code keeps serving",
        plugin: id,
        changed,
        error: outcome.reason,
        ms,
      });
  }

  private async reloadConfig(): Promise<void> {
    const started = performance.now();
    const outcome = await this.runtime.reload({ file: this.configFile, source: "file" });
    const ms = Math.round(performance.now() - started);
    const config = this.show(this.configFile);
    if (!outcome.ok) {
      this.runtime.logger.error({
        msg: "config not applied, the previous one keeps serving",
        config,
        error: outcome.reason,
        ms,
      });
      return;
    }
    this.runtime.logger.info({
      msg: "config reloaded",
      config,
      changes: outcome.changes.join(",") || "none",
      ms,
    });
    await this.refresh();
  }

  /** Relative to the working folder when inside it, else absolute. */
  private show(path: string): string {
    const shown = relative(this.cwd, path);
    return shown === "" ? "." : shown.startsWith("..") || isAbsolute(shown) ? path : shown;
  }
}
