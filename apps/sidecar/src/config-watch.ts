/**
 * @module Watches the runtime config file for the sidecar: on each change the file is read,
 * validated with the config package (as a runtime would load it), and either handed on to be
 * pushed to every runtime, or refused with the reason while the last good version stays. The
 * folder is watched, not the file, so editors' atomic renames and Kubernetes ConfigMap symlink
 * swaps are seen too.
 */
import { createHash } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { formatIssues, loadConfig } from "@mcp-runtime/config";
import type { ConfigPushMessage } from "@mcp-runtime/telemetry";

export interface ConfigWatchOptions {
  file: string;
  /** a valid new version: push it */
  onValid(push: ConfigPushMessage): void;
  /** an invalid version: refused; the last good one stays */
  onInvalid(version: string, reason: string): void;
  /** debounce of bursts of file events (an editor's save is several) */
  debounceMs?: number;
}

export class ConfigWatch {
  private readonly options: ConfigWatchOptions;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastSeen: string | undefined;
  private checking: Promise<void> = Promise.resolve();
  /** the last valid version read, pushed to runtimes that connect with another one */
  current: ConfigPushMessage | undefined;

  constructor(options: ConfigWatchOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    const name = basename(this.options.file);
    this.watcher = watch(dirname(this.options.file), (_event, changed) => {
      // Kubernetes swaps a `..data` symlink; other names in the folder are not ours.
      if (changed !== null && changed !== name && !changed.startsWith("..")) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.check(), this.options.debounceMs ?? 100);
    });
    await this.readNow(false);
  }

  /** Reads the file now (also what a timer runs); resolves when the version was judged. */
  check(): Promise<void> {
    this.checking = this.checking.then(async () => {
      await this.readNow(true);
    });
    return this.checking;
  }

  /**
   * An operator's reload: reads the file now and, when valid, hands it on to be pushed even if
   * this version was pushed before (a runtime may have missed it); an invalid one is refused.
   */
  reload(): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
    const result = this.checking.then(() => this.readNow(true, true));
    this.checking = result.then(() => undefined);
    return result;
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }

  private async readNow(
    announce: boolean,
    force = false,
  ): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
    const file = this.options.file;
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      // Mid-rename, or removed: the next event (or the file's return) is judged then.
      return { ok: false, reason: `cannot read ${file}` };
    }
    const version = createHash("sha256").update(text).digest("hex");
    if (version === this.lastSeen && !force) return { ok: true, version };
    this.lastSeen = version;
    const loaded = await loadConfig({ file, text, env: process.env });
    if (!loaded.ok) {
      const reason = formatIssues(loaded.issues).join("\n");
      this.options.onInvalid(version, reason);
      return { ok: false, reason };
    }
    this.current = { type: "config", version, file, text };
    if (announce) this.options.onValid(this.current);
    return { ok: true, version };
  }
}
