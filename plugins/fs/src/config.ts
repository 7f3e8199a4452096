/**
 * @module The fs plugin's operator config: its schema (validated by the host at load time) and the
 * settings plus confined file system view derived from it, computed once per config.
 */
import { resolve } from "node:path";
import { createScopedFs, type ScopedFs } from "@mcp-runtime/plugin-sdk";
import { z } from "zod";

export const DEFAULT_MAX_READ_BYTES = 1024 * 1024;
export const DEFAULT_MAX_SEARCH_RESULTS = 200;

export const fsConfigSchema = z
  .strictObject({
    roots: z.array(z.string().min(1)).optional(),
    root: z.string().min(1).optional(),
    maxReadBytes: z.int().positive().default(DEFAULT_MAX_READ_BYTES),
    maxSearchResults: z.int().positive().default(DEFAULT_MAX_SEARCH_RESULTS),
  })
  // Without a root the plugin could do nothing; say so at load time rather than on every call.
  .refine((config) => config.root !== undefined || (config.roots?.length ?? 0) > 0, {
    message: 'set "root" or "roots"',
  });

export interface FsSettings {
  /** Absolute roots as configured (the scoped view holds their real paths). */
  readonly roots: readonly string[];
  /** `roots` as one string, the cache key of the scoped view. */
  readonly rootsKey: string;
  readonly maxReadBytes: number;
  readonly maxSearchResults: number;
}

// The SDK types ctx.config as a plain record, so parse it once per config object; the host hands
// every call the same frozen object, so this is a lookup on the hot path.
const settingsByConfig = new WeakMap<object, FsSettings>();
// Our own view of the roots, not ctx.fs: ctx.fs carries the sandbox's grants, which may be wider
// than (or unrelated to) the roots this plugin's config names.
const scopedFsByRoots = new Map<string, Promise<ScopedFs>>();

export function settingsFor(config: Readonly<Record<string, unknown>>): FsSettings {
  let settings = settingsByConfig.get(config);
  if (settings === undefined) {
    const parsed = fsConfigSchema.parse(config);
    const configured = [...(parsed.root === undefined ? [] : [parsed.root]), ...(parsed.roots ?? [])];
    // The runtime resolves relative roots against the config file; anything still relative is
    // taken against the working directory, as a CLI user would expect.
    const roots = [...new Set(configured.map((root) => resolve(root)))];
    settings = {
      roots,
      rootsKey: JSON.stringify(roots),
      maxReadBytes: parsed.maxReadBytes,
      maxSearchResults: parsed.maxSearchResults,
    };
    settingsByConfig.set(config, settings);
  }
  return settings;
}

/** The confined view of the configured roots, built once per set of roots. */
export async function scopedFsFor(settings: FsSettings): Promise<ScopedFs> {
  const key = settings.rootsKey;
  const cached = scopedFsByRoots.get(key);
  if (cached !== undefined) return cached;
  const building = createScopedFs(settings.roots);
  scopedFsByRoots.set(key, building);
  const scoped = await building;
  // createScopedFs drops roots that do not exist yet; do not pin that, so a root created after
  // start-up becomes reachable on a later call.
  if (scoped.roots.length < settings.roots.length) scopedFsByRoots.delete(key);
  return scoped;
}

/** Settings and scoped view for one call, from the plugin's config. */
export async function rootsFor(
  config: Readonly<Record<string, unknown>>,
): Promise<{ settings: FsSettings; fs: ScopedFs }> {
  const settings = settingsFor(config);
  return { settings, fs: await scopedFsFor(settings) };
}
