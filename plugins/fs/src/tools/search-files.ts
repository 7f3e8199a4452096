/**
 * @module Tool `search_files`: paths under a directory whose name matches a glob or substring,
 * optionally only files containing a text, up to a result limit.
 */
import type { ScopedFs, ToolDefinition } from "@mcp-runtime/plugin-sdk";
import { z } from "zod";
import { rootsFor } from "../config.js";
import { FsPluginError, guarded } from "../errors.js";
import { compileNameMatcher } from "../glob.js";
import { looksBinary } from "../mime.js";
import { type EntryType, type WalkEntry, walk } from "../walk.js";

// Deep enough for any real source tree; bounds the walk on pathological ones.
const MAX_DEPTH = 32;

const input = z.object({
  path: z.string().describe("Directory to search under: absolute, or relative to the first root"),
  pattern: z
    .string()
    .min(1)
    .describe(
      'Glob on the file name ("*.ts", "{a,b}.md"; with "/" it matches the path relative to `path`, ' +
        'e.g. "src/**/*.ts"), or without glob characters a case-insensitive substring of the name',
    ),
  contentQuery: z.string().min(1).optional().describe("Only text files containing this exact text"),
  maxResults: z
    .int()
    .positive()
    .optional()
    .describe("Stop after this many matches (capped by the operator's limit)"),
});

const match = z.object({
  path: z.string().describe("Absolute path inside the roots"),
  type: z.enum(["file", "directory", "symlink", "other"]),
  line: z.number().optional().describe("First line containing contentQuery (1-based)"),
});

const output = z.object({ matches: z.array(match), truncated: z.boolean() });

type Match = { path: string; type: EntryType; line?: number };

/** The 1-based line of the first occurrence of `query`, or undefined for binary, large or non-matching files. */
async function firstLineWith(fs: ScopedFs, entry: WalkEntry, query: string, maxBytes: number) {
  if (entry.type !== "file") return undefined;
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(entry.absolutePath, { maxBytes });
  } catch {
    // Too large, unreadable or gone: a search skips it rather than failing as a whole.
    return undefined;
  }
  if (looksBinary(bytes)) return undefined;
  const text = bytes.toString("utf8");
  const at = text.indexOf(query);
  if (at === -1) return undefined;
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < at; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

export const searchFilesTool: ToolDefinition<typeof input> = {
  title: "Search files",
  description:
    "Find files and directories under a directory whose names match a glob (*.ts) or substring, " +
    "optionally only text files containing contentQuery (then the first matching line is given). " +
    "Symlinks are listed but never followed. Stops at maxResults.",
  input,
  output,
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler: (args, ctx) =>
    guarded(async () => {
      const { settings, fs } = await rootsFor(ctx.config);
      const limit = Math.min(args.maxResults ?? settings.maxSearchResults, settings.maxSearchResults);
      const base = await fs.resolve(args.path);
      if (!(await fs.stat(base)).isDirectory())
        throw new FsPluginError("ERR_NOT_A_DIRECTORY", "path is not a directory");
      const matcher = compileNameMatcher(args.pattern);
      const matches: Match[] = [];
      let truncated = false;
      for await (const entry of walk(fs, base, { maxDepth: MAX_DEPTH, signal: ctx.signal })) {
        if (!matcher.test(matcher.matchesPath ? entry.relativePath : entry.name)) continue;
        let found: Match = { path: entry.absolutePath, type: entry.type };
        if (args.contentQuery !== undefined) {
          const line = await firstLineWith(fs, entry, args.contentQuery, settings.maxReadBytes);
          if (line === undefined) continue;
          found = { ...found, line };
        }
        if (matches.length === limit) {
          truncated = true;
          break;
        }
        matches.push(found);
      }
      const lines = matches.map((m) => (m.line === undefined ? m.path : `${m.path}:${m.line}`));
      if (truncated) lines.push(`… stopped after ${limit} results`);
      return {
        structuredContent: { matches, truncated },
        content: [{ type: "text", text: lines.length === 0 ? "no matches" : lines.join("\n") }],
      };
    }),
};
