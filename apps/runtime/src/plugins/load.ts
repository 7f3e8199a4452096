/**
 * @module Resolves a config's plugins and starts their hosts. Kept apart from the rest of the
 * runtime (and free of the protocol and queue modules) so the CLI can start plugin hosts before it
 * loads the rest: their boot, on other threads, is most of the time to ready.
 */
import type { PluginEntry } from "@mcp-runtime/config";
import type { Executor, PluginHost } from "../executor/executor.js";
import { type ResolvedPlugin, resolvePlugin } from "./resolve.js";

export interface LoadedPlugin {
  resolved: ResolvedPlugin;
  host: PluginHost;
}

/** Plugins on their way up; `plugins` settles when every host is ready or one has failed. */
export interface LoadingPlugins<E extends Executor = Executor> {
  executor: E;
  plugins: Promise<LoadedPlugin[]>;
  /** settles once every host has been asked to start (or resolution failed): never rejects */
  started: Promise<void>;
}

/**
 * Resolves every entry; plugin ids must be unique (they prefix tools and name log fields). The
 * plugins named in `fresh` are imported anew (their code changed on disk).
 */
export async function resolvePlugins(
  entries: readonly PluginEntry[],
  baseDir: string,
  fresh: ReadonlySet<string> = new Set(),
): Promise<ResolvedPlugin[]> {
  // Imported side by side (their file reads overlap); checked in the config's order, so the first
  // failing entry is the one reported, as when they were imported one by one.
  const outcomes = await Promise.allSettled(
    entries.map(async (entry) => {
      const resolved = await resolvePlugin(entry, baseDir);
      // The id may come from the plugin itself, so it is known only once the module is imported.
      return fresh.has(resolved.id) ? resolvePlugin(entry, baseDir, { fresh: true }) : resolved;
    }),
  );
  const resolvedAll: ResolvedPlugin[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === "rejected") throw outcome.reason;
    const resolved = outcome.value;
    if (resolvedAll.some((p) => p.id === resolved.id)) {
      throw new Error(`two plugins have the id "${resolved.id}"; give one an explicit id`);
    }
    resolvedAll.push(resolved);
  }
  return resolvedAll;
}

/**
 * Starts the hosts in parallel; the result keeps the given order, so registration (and any name
 * clash it reports) is the same every time. If one fails, those that started are closed.
 */
export async function startHosts(
  resolvedAll: readonly ResolvedPlugin[],
  executor: Executor,
  onStarted: () => void = () => {},
): Promise<LoadedPlugin[]> {
  const loads = resolvedAll.map((resolved) => executor.load(resolved));
  onStarted();
  const settled = await Promise.allSettled(loads);
  const plugins: LoadedPlugin[] = [];
  for (const [index, outcome] of settled.entries()) {
    if (outcome.status === "fulfilled")
      plugins.push({ resolved: resolvedAll[index] as ResolvedPlugin, host: outcome.value });
  }
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (failed) {
    await Promise.allSettled(plugins.map((p) => p.host.close()));
    throw failed.reason;
  }
  return plugins;
}

async function loadAll(
  entries: readonly PluginEntry[],
  baseDir: string,
  executor: Executor,
  onStarted: () => void,
): Promise<LoadedPlugin[]> {
  return startHosts(await resolvePlugins(entries, baseDir), executor, onStarted);
}

/**
 * Starts every plugin's host. On failure the hosts that did start are closed; the executor is the
 * caller's to close.
 */
export function startPlugins<E extends Executor>(
  entries: readonly PluginEntry[],
  baseDir: string,
  executor: E,
): LoadingPlugins<E> {
  let onStarted = (): void => {};
  const started = new Promise<void>((resolve) => {
    onStarted = resolve;
  });
  const plugins = loadAll(entries, baseDir, executor, onStarted);
  // Observed by whoever awaits it; this keeps an early failure from being reported as unhandled
  // while the caller is still importing the rest of the runtime.
  plugins.catch(() => {}).finally(onStarted);
  return { executor, plugins, started };
}
