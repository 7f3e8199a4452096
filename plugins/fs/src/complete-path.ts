/**
 * @module Completion of a `path` argument: the entries of the directory named by the partial
 * value whose names start with its last segment. Never fails: a completion is a hint.
 */
import { basename, dirname, join } from "node:path";
import type { Completer } from "@mcp-runtime/plugin-sdk";
import { rootsFor } from "./config.js";

export const completePath: Completer = async (value, { config }) => {
  try {
    const { fs } = await rootsFor(config);
    // Roots first: a partial value may still be spelling one, and its parent is outside the roots.
    const roots = fs.roots
      .map((root) => `${root}/`)
      .filter((root) => root.startsWith(value) && root !== value);
    if (value === "" || roots.length > 0) return roots;
    const endsWithSeparator = value.endsWith("/");
    const directory = endsWithSeparator ? value : dirname(value);
    const prefix = endsWithSeparator ? "" : basename(value);
    const dirents = await fs.readdir(directory);
    return (
      dirents
        // Hidden entries only when asked for, as shells complete them.
        .filter((d) => d.name.startsWith(prefix) && (prefix.startsWith(".") || !d.name.startsWith(".")))
        .map((d) => (d.isDirectory() ? `${join(directory, d.name)}/` : join(directory, d.name)))
        .sort()
    );
  } catch {
    return [];
  }
};
