/**
 * @module Breadth-first directory walk through the scoped view, for list_directory and
 * search_files. Symlinks are reported but never followed: that keeps the walk inside the roots
 * and free of cycles without tracking visited directories.
 */
import type { Dirent } from "node:fs";
import { join } from "node:path";
import type { ScopedFs } from "@mcp-runtime/plugin-sdk";

export type EntryType = "file" | "directory" | "symlink" | "other";

export interface WalkEntry {
  /** Path relative to the walk's base, with "/" separators. */
  readonly relativePath: string;
  /** Absolute path inside the roots (not resolved if it is a symlink). */
  readonly absolutePath: string;
  readonly name: string;
  readonly type: EntryType;
  /** 1 for the base directory's own entries. */
  readonly depth: number;
}

export function entryType(dirent: Dirent): EntryType {
  if (dirent.isSymbolicLink()) return "symlink";
  if (dirent.isFile()) return "file";
  if (dirent.isDirectory()) return "directory";
  return "other";
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Yields the entries under `base` (a real directory inside the roots) down to `maxDepth` levels.
 * A subdirectory that cannot be read is skipped; only the base's own failure is thrown.
 */
export async function* walk(
  fs: ScopedFs,
  base: string,
  options: { maxDepth: number; signal?: AbortSignal },
): AsyncGenerator<WalkEntry> {
  let level: { absolute: string; relative: string }[] = [{ absolute: base, relative: "" }];
  for (let depth = 1; depth <= options.maxDepth && level.length > 0; depth++) {
    const next: typeof level = [];
    for (const directory of level) {
      options.signal?.throwIfAborted();
      let dirents: Dirent[];
      try {
        dirents = await fs.readdir(directory.absolute);
      } catch (cause) {
        if (depth === 1) throw cause;
        continue;
      }
      // Sorted so results (and where a truncated listing stops) are stable across calls.
      for (const dirent of dirents.sort(byName)) {
        const entry: WalkEntry = {
          relativePath: directory.relative === "" ? dirent.name : `${directory.relative}/${dirent.name}`,
          absolutePath: join(directory.absolute, dirent.name),
          name: dirent.name,
          type: entryType(dirent),
          depth,
        };
        yield entry;
        if (entry.type === "directory")
          next.push({ absolute: entry.absolutePath, relative: entry.relativePath });
      }
    }
    level = next;
  }
}
