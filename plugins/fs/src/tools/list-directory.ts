/** @module Tool `list_directory`: the entries of a directory under the roots, optionally recursive. */
import type { ToolDefinition } from "@mcp-runtime/plugin-sdk";
import { z } from "zod";
import { rootsFor } from "../config.js";
import { FsPluginError, guarded } from "../errors.js";
import { type EntryType, walk } from "../walk.js";

// A deep recursive listing would not fit in a model's context anyway; stop and say so.
const MAX_ENTRIES = 2000;
const DEFAULT_RECURSIVE_DEPTH = 8;

const input = z.object({
  path: z.string().describe("Directory to list: absolute, or relative to the first root"),
  recursive: z.boolean().optional().describe("Also list subdirectories (symlinks are not followed)"),
  maxDepth: z
    .int()
    .min(1)
    .max(32)
    .optional()
    .describe(`Levels to descend when recursive (default ${DEFAULT_RECURSIVE_DEPTH})`),
});

const entry = z.object({
  name: z.string().describe("Path relative to the listed directory"),
  type: z.enum(["file", "directory", "symlink", "other"]),
  size: z.number().optional().describe("Size in bytes, for files"),
});

const output = z.object({ path: z.string(), entries: z.array(entry), truncated: z.boolean() });

type ListedEntry = { name: string; type: EntryType; size?: number };

export const listDirectoryTool: ToolDefinition<typeof input> = {
  title: "List directory",
  description:
    "List the entries of a directory under the allowed roots, with each entry's type (file, directory, " +
    "symlink, other) and, for files, its size in bytes. Set recursive to include subdirectories.",
  input,
  output,
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler: (args, ctx) =>
    guarded(async () => {
      const { fs } = await rootsFor(ctx.config);
      const directory = await fs.resolve(args.path);
      if (!(await fs.stat(directory)).isDirectory())
        throw new FsPluginError("ERR_NOT_A_DIRECTORY", "path is not a directory");
      const maxDepth = args.recursive ? (args.maxDepth ?? DEFAULT_RECURSIVE_DEPTH) : 1;
      const entries: ListedEntry[] = [];
      let truncated = false;
      for await (const found of walk(fs, directory, { maxDepth, signal: ctx.signal })) {
        if (entries.length === MAX_ENTRIES) {
          truncated = true;
          break;
        }
        const listed: ListedEntry = { name: found.relativePath, type: found.type };
        // stat goes through the scoped view again, so a file swapped for a symlink since the
        // readdir is still refused rather than sized.
        if (found.type === "file") listed.size = (await fs.stat(found.absolutePath)).size;
        entries.push(listed);
      }
      const lines = entries.map((e) =>
        e.type === "directory"
          ? `${e.name}/`
          : e.size === undefined
            ? `${e.name} (${e.type})`
            : `${e.name} (${e.size} bytes)`,
      );
      if (truncated) lines.push(`… stopped after ${MAX_ENTRIES} entries`);
      return {
        structuredContent: { path: directory, entries, truncated },
        content: [{ type: "text", text: lines.length === 0 ? "(empty directory)" : lines.join("\n") }],
      };
    }),
};
