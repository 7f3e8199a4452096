/**
 * @module Swapping plugins during a reload: new and reconfigured plugins are started beside the
 * running ones, then the catalogue changes in one synchronous step (so no request sees half of
 * it), and replaced hosts are closed only once the calls they were serving have finished.
 */
import { isDeepStrictEqual } from "node:util";
import type { PluginEntry } from "@mcp-runtime/config";
import type { ChangeNotifier } from "@mcp-runtime/plugin-sdk";
import type { PluginManifest } from "@mcp-runtime/plugin-sdk/host";
import type { Catalog, CatalogKind } from "@mcp-runtime/protocol";
import type { Executor, PluginHost } from "../executor/executor.js";
import { type LoadedPlugin, resolvePlugins, startHosts } from "../plugins/load.js";
import { type RegisterHooks, registerPlugin } from "../plugins/register.js";

export interface PluginSwap {
  /** the plugins in the new config's order */
  next: LoadedPlugin[];
  started: LoadedPlugin[];
  retired: LoadedPlugin[];
}

const RETIRE_POLL_MS = 20;

/**
 * Starts what the new entries need (and, with fresh code, the plugins named in `fresh` even when
 * their entry did not change); throws (having closed what it started) if any cannot start.
 */
export async function preparePlugins(
  current: readonly LoadedPlugin[],
  entries: readonly PluginEntry[],
  baseDir: string,
  executor: Executor,
  fresh: ReadonlySet<string> = new Set(),
): Promise<PluginSwap> {
  const resolved = await resolvePlugins(entries, baseDir, fresh);
  const toStart = resolved.filter((plugin) => {
    const running = current.find((p) => p.resolved.id === plugin.id);
    return running === undefined || fresh.has(plugin.id) || !sameEntry(running.resolved.entry, plugin.entry);
  });
  const started = await startHosts(toStart, executor);
  const next = resolved.map(
    (plugin) =>
      started.find((p) => p.resolved === plugin) ??
      (current.find((p) => p.resolved.id === plugin.id) as LoadedPlugin), // kept: unchanged entry
  );
  const retired = current.filter((p) => !next.includes(p));
  return { next, started, retired };
}

/** The catalogue step: synchronous, and undone whole if a name clashes. */
export function commitPlugins(
  catalog: Catalog,
  swap: PluginSwap,
  notifier: ChangeNotifier,
  hooks: RegisterHooks,
): void {
  const retiredKeys = swap.retired.map((p) => catalogKeys(p.host.manifest));
  catalog.remove((key, kind) => retiredKeys.some((keys) => keys.has(`${kind}\0${key}`)));
  const registered: PluginHost[] = [];
  try {
    for (const plugin of swap.started) {
      registerPlugin(catalog, plugin.host, notifier, hooks);
      registered.push(plugin.host);
    }
  } catch (cause) {
    undo(catalog, registered, swap.retired, notifier, hooks);
    throw cause;
  }
}

/** Undoes a committed swap (a later step of the same reload failed): the catalogue is as before. */
export function revertPlugins(
  catalog: Catalog,
  swap: PluginSwap,
  notifier: ChangeNotifier,
  hooks: RegisterHooks,
): void {
  undo(
    catalog,
    swap.started.map((plugin) => plugin.host),
    swap.retired,
    notifier,
    hooks,
  );
}

function undo(
  catalog: Catalog,
  added: readonly PluginHost[],
  retired: readonly LoadedPlugin[],
  notifier: ChangeNotifier,
  hooks: RegisterHooks,
): void {
  const addedKeys = added.map((host) => catalogKeys(host.manifest));
  catalog.remove((key, kind) => addedKeys.some((keys) => keys.has(`${kind}\0${key}`)));
  for (const plugin of retired) registerPlugin(catalog, plugin.host, notifier, hooks);
}

/** Closes replaced hosts once their calls are done, or when their call timeout has passed. */
export async function retirePlugins(retired: readonly LoadedPlugin[]): Promise<void> {
  await Promise.allSettled(
    retired.map(async ({ host, resolved }) => {
      const deadline = Date.now() + resolved.entry.sandbox.timeoutMs;
      while (host.inFlight > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, RETIRE_POLL_MS));
      }
      await host.close();
    }),
  );
}

function catalogKeys(manifest: PluginManifest): Set<string> {
  const keys = new Set<string>();
  const add = (kind: CatalogKind | "templates", key: string) => keys.add(`${kind}\0${key}`);
  for (const tool of manifest.tools) add("tools", tool.name);
  for (const resource of manifest.resources) add("resources", resource.uri);
  for (const template of manifest.resourceTemplates) add("templates", template.uriTemplate);
  for (const prompt of manifest.prompts) add("prompts", prompt.name);
  return keys;
}

function sameEntry(a: PluginEntry, b: PluginEntry): boolean {
  return isDeepStrictEqual(a, b);
}
