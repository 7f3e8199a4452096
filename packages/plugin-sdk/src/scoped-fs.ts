/**
 * @module Read-only file access confined to granted roots. Every path is resolved through
 * `realpath` before use, so `..` segments and symlinks that lead outside the roots are refused
 * (the check is on the resolved target, not on the spelling of the path).
 */
import type { Dirent, Stats } from "node:fs";
import { open, readdir, realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";

export type ScopedFsErrorCode =
  | "ERR_FS_OUTSIDE_ROOTS"
  | "ERR_FS_NOT_FOUND"
  | "ERR_FS_TOO_LARGE"
  | "ERR_FS_NO_ROOTS";

export class ScopedFsError extends Error {
  readonly code: ScopedFsErrorCode;

  constructor(code: ScopedFsErrorCode, message: string) {
    super(message);
    this.name = "ScopedFsError";
    this.code = code;
  }
}

export interface ScopedFs {
  /** The granted roots, as real absolute paths. */
  readonly roots: readonly string[];
  /** Resolves `path` (absolute, or relative to the first root) to a real path inside the roots, or throws. */
  resolve(path: string): Promise<string>;
  readFile(path: string, options?: { maxBytes?: number }): Promise<Buffer>;
  readText(path: string, options?: { maxBytes?: number }): Promise<string>;
  readdir(path: string): Promise<Dirent[]>;
  stat(path: string): Promise<Stats>;
  /** True when the real path is inside a root. */
  contains(realPath: string): boolean;
}

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

function inside(root: string, target: string): boolean {
  if (target === root) return true;
  const rel = relative(root, target);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

/** Builds a scoped view. Roots that do not exist are dropped (with no access granted through them). */
export async function createScopedFs(roots: readonly string[]): Promise<ScopedFs> {
  const real: string[] = [];
  for (const root of roots) {
    try {
      real.push(await realpath(resolve(root)));
    } catch {
      // A missing root grants nothing; the operator sees it in `plugins list`.
    }
  }
  const contains = (target: string) => real.some((root) => inside(root, target));

  const resolveInside = async (path: string): Promise<string> => {
    if (real.length === 0)
      throw new ScopedFsError("ERR_FS_NO_ROOTS", "no file system roots are granted to this plugin");
    if (typeof path !== "string" || path.includes("\0"))
      throw new ScopedFsError("ERR_FS_OUTSIDE_ROOTS", "invalid path");
    const candidate = isAbsolute(path) ? resolve(path) : resolve(real[0] as string, path);
    // Refuse by spelling first, so a path outside the roots does not even reveal whether it exists.
    if (!contains(candidate)) {
      let lexicalInside = false;
      for (const root of roots) if (inside(resolve(root), candidate)) lexicalInside = true;
      if (!lexicalInside)
        throw new ScopedFsError("ERR_FS_OUTSIDE_ROOTS", `path is outside the granted roots: ${path}`);
    }
    let target: string;
    try {
      target = await realpath(candidate);
    } catch {
      throw new ScopedFsError("ERR_FS_NOT_FOUND", `no such file or directory: ${path}`);
    }
    if (!contains(target))
      throw new ScopedFsError("ERR_FS_OUTSIDE_ROOTS", `path resolves outside the granted roots: ${path}`);
    return target;
  };

  const readFile = async (path: string, options?: { maxBytes?: number }): Promise<Buffer> => {
    const target = await resolveInside(path);
    const maxBytes = options?.maxBytes ?? DEFAULT_MAX_BYTES;
    const handle = await open(target, "r");
    try {
      const info = await handle.stat();
      if (info.size > maxBytes) {
        throw new ScopedFsError("ERR_FS_TOO_LARGE", `file is larger than ${maxBytes} bytes: ${path}`);
      }
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  };

  return {
    roots: real,
    resolve: resolveInside,
    contains,
    readFile,
    async readText(path, options) {
      return (await readFile(path, options)).toString("utf8");
    },
    async readdir(path) {
      return readdir(await resolveInside(path), { withFileTypes: true });
    },
    async stat(path) {
      return stat(await resolveInside(path));
    },
  };
}
