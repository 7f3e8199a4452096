/** @module Tool `stat`: size, type, modification time and mode of a path under the roots. */
import type { ToolDefinition } from "@mcp-runtime/plugin-sdk";
import { z } from "zod";
import { rootsFor } from "../config.js";
import { guarded } from "../errors.js";

const input = z.object({
  path: z.string().describe("Path to inspect: absolute, or relative to the first root"),
});

const output = z.object({
  path: z.string().describe("The real path (symlinks resolved)"),
  type: z.enum(["file", "directory", "other"]),
  size: z.number(),
  mtime: z.string().describe("Last modification, ISO 8601"),
  mode: z.string().describe("Permission bits in octal, e.g. 0644"),
});

export const statTool: ToolDefinition<typeof input> = {
  title: "Stat path",
  description:
    "Show the size in bytes, type (file, directory, other), last modification time (ISO 8601) and " +
    "permission bits of a path under the allowed roots. Symlinks are resolved (and must stay inside).",
  input,
  output,
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  handler: (args, ctx) =>
    guarded(async () => {
      const { fs } = await rootsFor(ctx.config);
      const path = await fs.resolve(args.path);
      const info = await fs.stat(path);
      const type = info.isFile() ? "file" : info.isDirectory() ? "directory" : "other";
      const mode = `0${(info.mode & 0o777).toString(8).padStart(3, "0")}`;
      return { structuredContent: { path, type, size: info.size, mtime: info.mtime.toISOString(), mode } };
    }),
};
