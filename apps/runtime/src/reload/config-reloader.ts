/**
 * @module Applying a new config to a running runtime: loaded and validated like the first one
 * (same env and flags on top), diffed, refused whole when any change needs a restart or a plugin
 * cannot start, else applied atomically: plugins swapped, tokens and log level updated. Reloads
 * run one at a time, in the order they were asked for.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import {
  type ConfigFlags,
  diffConfig,
  formatIssues,
  loadConfig,
  type RuntimeConfig,
} from "@mcp-runtime/config";
import type { ChangeNotifier } from "@mcp-runtime/plugin-sdk";
import type { Catalog } from "@mcp-runtime/protocol";
import type { Executor } from "../executor/executor.js";
import type { Logger } from "../logger.js";
import type { LoadedPlugin } from "../plugins/load.js";
import type { RegisterHooks } from "../plugins/register.js";
import { restartOnlyChanges } from "./live-changes.js";
import { commitPlugins, preparePlugins, retirePlugins } from "./plugin-swap.js";

export type ReloadSource = "sidecar" | "sighup" | "file";

export interface ReloadRequest {
  /** the config file (absolute); its folder anchors relative paths */
  file: string;
  /** the file's text when already read (pushed by the sidecar); else the file is read */
  text?: string;
  source: ReloadSource;
}

export interface ReloadOutcome {
  ok: boolean;
  /** sha256 of the config text */
  version: string;
  /** changed paths, when applied */
  changes: string[];
  /** one line per problem, when refused */
  reason?: string;
}

/** The runtime's live state a reload reads and replaces. */
export interface ReloadTarget {
  config: RuntimeConfig;
  plugins: LoadedPlugin[];
  readonly catalog: Catalog;
  readonly executor: Executor;
  readonly notifier: ChangeNotifier;
  readonly hooks: RegisterHooks;
  readonly logger: Logger;
  /** what the runtime was started with, re-applied on top of every reloaded file */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags: ConfigFlags;
  /** what a newly registered plugin needs besides the catalogue (task policies, the load log line) */
  addPlugin(plugin: LoadedPlugin): void;
  /** called after the new config is in place (tokens, derived tables) */
  applied(config: RuntimeConfig): void;
}

export class ConfigReloader {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly target: ReloadTarget) {}

  apply(request: ReloadRequest): Promise<ReloadOutcome> {
    const run = this.chain.then(() => this.applyNow(request));
    this.chain = run.catch(() => {});
    return run;
  }

  private async applyNow(request: ReloadRequest): Promise<ReloadOutcome> {
    const target = this.target;
    let text = request.text;
    if (text === undefined) {
      try {
        text = await readFile(request.file, "utf8");
      } catch (cause) {
        return refused(
          "",
          `${request.file}: cannot read (${(cause as NodeJS.ErrnoException).code ?? cause})`,
        );
      }
    }
    const version = createHash("sha256").update(text).digest("hex");
    const loaded = await loadConfig({ file: request.file, text, env: target.env, flags: target.flags });
    if (!loaded.ok) return refused(version, formatIssues(loaded.issues).join("\n"));
    const next = loaded.config;
    const changes = diffConfig(target.config, next);
    if (changes.length === 0) return { ok: true, version, changes: [] };
    const blocked = restartOnlyChanges(changes);
    if (blocked.length > 0) return refused(version, blocked.join("\n"));
    if (next.auth.mode !== target.config.auth.mode) {
      return refused(version, "auth.mode: cannot change while running (restart the runtime to apply it)");
    }
    let swap: Awaited<ReturnType<typeof preparePlugins>> | undefined;
    if (changes.some((change) => change.section === "plugins")) {
      try {
        swap = await preparePlugins(target.plugins, next.plugins, loaded.baseDir, target.executor);
        commitPlugins(target.catalog, swap, target.notifier, target.hooks);
      } catch (cause) {
        if (swap) await Promise.allSettled(swap.started.map((p) => p.host.close()));
        return refused(version, `plugins: ${cause instanceof Error ? cause.message : String(cause)}`);
      }
      for (const plugin of swap.started) target.addPlugin(plugin);
      target.plugins = swap.next;
    }
    target.config = next;
    target.logger.setLevel(next.telemetry.logLevel);
    target.applied(next);
    // Replaced hosts finish the calls they were serving before they stop; the reload does not wait.
    if (swap && swap.retired.length > 0) {
      void retirePlugins(swap.retired).catch((cause: unknown) =>
        target.logger.warn({ msg: "closing a replaced plugin failed", error: String(cause) }),
      );
    }
    return { ok: true, version, changes: changes.map((change) => change.path) };
  }
}

function refused(version: string, reason: string): ReloadOutcome {
  return { ok: false, version, changes: [], reason };
}
