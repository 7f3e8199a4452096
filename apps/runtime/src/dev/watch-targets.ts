/**
 * @module Which folder to watch for each plugin `mcp-runtime dev` runs: plugins loaded from a local
 * path, and packages that resolve to a folder outside node_modules (workspace packages). A
 * package with a build script whose entry is in dist/ (or build/, lib/, out/) is watched there:
 * its author runs its build in watch mode (`tsc --watch`) and each rebuild reloads it; dev never
 * runs a build itself (it cannot know the toolchain, and half-written sources would reload too).
 */
import { readFile, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { ResolvedPlugin } from "../plugins/resolve.js";

export interface WatchTarget {
  pluginId: string;
  /** the folder watched */
  dir: string;
  /** the build output folder's name when `dir` is one (e.g. "dist") */
  builtInto: string | undefined;
}

const BUILD_DIRS = new Set(["dist", "build", "lib", "out"]);

type PackageJson = { name?: unknown; scripts?: Record<string, unknown> };

async function readPackage(dir: string): Promise<PackageJson | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as PackageJson;
  } catch {
    return undefined;
  }
}

async function packageRoot(file: string, name: string | undefined): Promise<string | undefined> {
  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {
    const pkg = await readPackage(dir);
    if (pkg !== undefined && (name === undefined || pkg.name === name)) return dir;
  }
  return undefined;
}

/** Where to watch one plugin, or undefined for an installed package (its code does not change). */
export async function watchTargetFor(
  resolved: ResolvedPlugin,
  baseDir: string,
): Promise<WatchTarget | undefined> {
  let root: string | undefined;
  if (resolved.entry.path !== undefined) {
    const path = resolve(baseDir, resolved.entry.path);
    root = (await stat(path)).isDirectory() ? path : dirname(path);
  } else {
    // modulePath is the real path: a workspace package's symlink in node_modules is already followed.
    if (resolved.modulePath.split(sep).includes("node_modules")) return undefined;
    root = await packageRoot(resolved.modulePath, resolved.packageName);
    if (root === undefined) return undefined;
  }
  const [first, ...rest] = relative(root, resolved.modulePath).split(sep);
  const pkg = await readPackage(root);
  const built =
    first !== undefined &&
    rest.length > 0 &&
    BUILD_DIRS.has(first) &&
    typeof pkg?.scripts?.build === "string";
  return {
    pluginId: resolved.id,
    dir: built ? join(root, first) : root,
    builtInto: built ? first : undefined,
  };
}
