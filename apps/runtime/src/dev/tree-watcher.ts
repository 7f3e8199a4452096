/**
 * @module Watches a folder and everything under it, except node_modules, .git and editors' temp
 * files. One non-recursive `fs.watch` per folder rather than `{ recursive: true }`: on Linux,
 * Node 20 implements recursion by walking the whole tree, node_modules included, which a plugin
 * with its own install makes slow; here ignored folders are never entered. Folders created later
 * are picked up when they appear.
 */
import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { basename, join } from "node:path";

const IGNORED_DIRS = new Set(["node_modules", ".git", ".nx", "coverage"]);

/** vim (.swp, 4913, ~), emacs (.#x, #x#), JetBrains (___jb_tmp___), VS Code / atomic writes (.tmp, .crswap) */
export function isEditorTempFile(name: string): boolean {
  return (
    name === "4913" ||
    name.endsWith("~") ||
    /\.sw[a-p]x?$/.test(name) ||
    name.startsWith(".#") ||
    (name.startsWith("#") && name.endsWith("#")) ||
    name.endsWith("___jb_tmp___") ||
    name.endsWith("___jb_old___") ||
    name.endsWith(".tmp") ||
    name.endsWith(".crswap")
  );
}

export interface TreeWatcher {
  readonly root: string;
  close(): void;
}

/** Calls `onChange` with the changed path (not debounced: callers batch). */
export function watchTree(root: string, onChange: (path: string) => void): TreeWatcher {
  const watchers = new Map<string, FSWatcher>();
  let closed = false;
  const add = (dir: string): void => {
    if (closed || watchers.has(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, filename) => {
        if (filename === null) return onChange(dir);
        const name = basename(filename);
        if (isEditorTempFile(name) || IGNORED_DIRS.has(name)) return;
        const path = join(dir, filename);
        if (isDirectory(path)) walk(path);
        onChange(path);
      });
    } catch {
      return; // gone, or not readable: nothing to watch there
    }
    watcher.on("error", () => {
      watcher.close();
      watchers.delete(dir);
    });
    watchers.set(dir, watcher);
  };
  const walk = (dir: string): void => {
    add(dir);
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries)
      if (entry.isDirectory() && !IGNORED_DIRS.has(entry.name)) walk(join(dir, entry.name));
  };
  walk(root);
  return {
    root,
    close() {
      closed = true;
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
