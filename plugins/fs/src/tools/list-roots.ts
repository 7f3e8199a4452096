/** @module Tool `list_roots`: the directories this plugin may read. */
import { pathToFileURL } from "node:url";
import type { ToolDefinition } from "@mcp-runtime/plugin-sdk";
import { z } from "zod";
import { rootsFor } from "../config.js";

const output = z.object({ roots: z.array(z.object({ path: z.string(), uri: z.string() })) });

export const listRootsTool: ToolDefinition<undefined> = {
  title: "List roots",
  description:
    "List the root directories this server may read (real absolute paths and file:// URIs). Every " +
    "other tool accepts paths inside these roots; relative paths are taken against the first one.",
  output,
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(_args, ctx) {
    const { fs } = await rootsFor(ctx.config);
    // The scoped view's roots: only those that exist, symlinks resolved, as access is checked.
    const roots = fs.roots.map((path) => ({ path, uri: pathToFileURL(path).href }));
    return { structuredContent: { roots } };
  },
};
