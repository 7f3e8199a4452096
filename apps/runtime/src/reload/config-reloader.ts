/**
 * @module Applying a new config to a running runtime: loaded and validated like the first one
 * (same env and flags on top), diffed, refused whole when any change needs a restart or a plugin
 * or upstream cannot start (or their names collide), else applied atomically: plugins and
 * upstreams swapped in one catalogue step, tokens and log level updated. Reloads run one at a
 * time, in the order they were asked for.
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
import type { Federation } from "../upstreams/federation.js";
import type { UpstreamSwap } from "../upstreams/members.js";
import { restartOnlyChanges } from "./live-changes.js";
import {
  commitPlugins,
  type PluginSwap,
  preparePlugins,
  retirePlugins,
  revertPlugins,
} from "./plugin-swap.js";

export type ReloadSource = "sidecar" | "sighup" | "file";

export interface ReloadRequest {
  /** the config file (absolute); its folder anchors relative paths */
  file: string;
  /** the file's text when already read (pushed by the sidecar); else the file is read */
  text?: string;
  source: ReloadSource;
  /**
   * Plugin ids whose code changed on disk (`mcp-runtime dev`): restarted with a fresh import even
   * when the config did not change.
   */
  fresh?: readonly string[];
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
  /** the hosted MCP servers (their own catalogue entries, swapped with the plugins') */
  readonly upstreams: Federation;
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
    const fresh = new Set(request.fresh ?? []);
    if (changes.length === 0 && fresh.size === 0) return { ok: true, version, changes: [] };
    const blocked = restartOnlyChanges(changes);
    if (blocked.length > 0) return refused(version, blocked.join("\n"));
    if (next.auth.mode !== target.config.auth.mode) {
      return refused(version, "auth.mode: cannot change while running (restart the runtime to apply it)");
    }
    const swapped = await this.swap(target, next, loaded.baseDir, changes, fresh);
    if (!swapped.ok) return refused(version, swapped.reason);
    const { plugins: swap, upstreams } = swapped;
    target.config = next;
    target.logger.setLevel(next.telemetry.logLevel);
    target.applied(next);
    // Replaced hosts finish the calls they were serving before they stop; the reload does not wait.
    if (swap && swap.retired.length > 0) {
      void retirePlugins(swap.retired).catch((cause: unknown) =>
        target.logger.warn({ msg: "closing a replaced plugin failed", error: String(cause) }),
      );
    }
    if (upstreams && upstreams.retired.length > 0) void target.upstreams.retire(upstreams);
    return { ok: true, version, changes: changes.map((change) => change.path) };
  }

  /**
   * Starts what the new plugins and upstreams need beside the running ones, then changes the
   * catalogue in one synchronous step; anything that cannot start or collides refuses it all.
   */
  private async swap(
    target: ReloadTarget,
    next: RuntimeConfig,
    baseDir: string,
    changes: readonly { section: string }[],
    fresh: ReadonlySet<string>,
  ): Promise<Swapped> {
    let plugins: PluginSwap | undefined;
    let upstreams: UpstreamSwap | undefined;
    const fail = async (section: string, cause: unknown): Promise<Swapped> => {
      if (plugins) await Promise.allSettled(plugins.started.map((p) => p.host.close()));
      if (upstreams) await target.upstreams.discard(upstreams);
      return { ok: false, reason: `${section}: ${cause instanceof Error ? cause.message : String(cause)}` };
    };
    const [pluginsPrepared, upstreamsPrepared] = await Promise.allSettled([
      fresh.size > 0 || changes.some((change) => change.section === "plugins")
        ? preparePlugins(target.plugins, next.plugins, baseDir, target.executor, fresh)
        : undefined,
      changes.some((change) => change.section === "upstreams")
        ? target.upstreams.prepare(next.upstreams)
        : undefined,
    ]);
    if (pluginsPrepared.status === "fulfilled") plugins = pluginsPrepared.value;
    if (upstreamsPrepared.status === "fulfilled") upstreams = upstreamsPrepared.value;
    if (pluginsPrepared.status === "rejected") return fail("plugins", pluginsPrepared.reason);
    if (upstreamsPrepared.status === "rejected") return fail("upstreams", upstreamsPrepared.reason);
    // The catalogue step: plugins first (upstream collisions name the new plugins), undone whole.
    const current = target.plugins;
    if (plugins) {
      try {
        commitPlugins(target.catalog, plugins, target.notifier, target.hooks);
      } catch (cause) {
        return fail("plugins", cause);
      }
      target.plugins = plugins.next;
    }
    if (upstreams) {
      try {
        target.upstreams.commit(upstreams);
      } catch (cause) {
        if (plugins) {
          revertPlugins(target.catalog, plugins, target.notifier, target.hooks);
          target.plugins = current;
        }
        return fail("upstreams", cause);
      }
    }
    if (plugins) for (const plugin of plugins.started) target.addPlugin(plugin);
    return { ok: true, plugins, upstreams };
  }
}

type Swapped =
  | { ok: true; plugins: PluginSwap | undefined; upstreams: UpstreamSwap | undefined }
  | { ok: false; reason: string };

function refused(version: string, reason: string): ReloadOutcome {
  return { ok: false, version, changes: [], reason };
}
