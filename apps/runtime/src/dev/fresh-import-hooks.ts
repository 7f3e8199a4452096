/**
 * @module Module hooks for `mcp-runtime dev` (registered with `module.register`, run on Node's
 * hooks thread). A plugin re-imported with a fresh query (plugins/resolve.ts) would otherwise get
 * its own relative imports (`./tools/x.js`) from the ESM cache, with the old code: this passes the
 * query on to them, so the whole plugin is read anew. Bare imports (the SDK, zod) keep their one
 * shared instance: `isPlugin` and schema libraries rely on it.
 */
import type { ResolveHook } from "node:module";
import { FRESH_IMPORT_PARAM } from "../plugins/fresh-import.js";

function isRelative(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../");
}

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const resolved = await nextResolve(specifier, context);
  const parent = context.parentURL;
  if (parent === undefined || !isRelative(specifier) || !resolved.url.startsWith("file:")) return resolved;
  const revision = new URL(parent).searchParams.get(FRESH_IMPORT_PARAM);
  if (revision === null) return resolved;
  const url = new URL(resolved.url);
  url.searchParams.set(FRESH_IMPORT_PARAM, revision);
  return { ...resolved, url: url.href };
};
