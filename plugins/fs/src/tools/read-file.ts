/** @module Tool `read_file`: one file under the roots, as text or as an embedded binary resource. */
import type { ToolDefinition } from "@mcp-runtime/plugin-sdk";
import { z } from "zod";
import { rootsFor } from "../config.js";
import { readFileContent, toResourceContents } from "../file-content.js";

const input = z.object({
  path: z.string().describe("File to read: absolute, or relative to the first root"),
  encoding: z
    .enum(["utf8", "base64"])
    .optional()
    .describe("utf8 returns text, base64 an embedded blob; by default binary files come back as a blob"),
  maxBytes: z
    .int()
    .positive()
    .optional()
    .describe("Refuse files larger than this (capped by the operator's limit)"),
});

export const readFileTool: ToolDefinition<typeof input> = {
  title: "Read file",
  description:
    "Read a file under the allowed roots. Text files come back as text; binary files (or encoding " +
    "base64) as an embedded resource with base64 data. Files over the size limit are refused.",
  input,
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const { settings, fs } = await rootsFor(ctx.config);
    // The operator's limit is a ceiling; a caller may only ask for less.
    const maxBytes = Math.min(args.maxBytes ?? settings.maxReadBytes, settings.maxReadBytes);
    const file = await readFileContent(fs, args.path, maxBytes);
    const contents = toResourceContents(file, args.encoding);
    return "text" in contents
      ? { content: [{ type: "text", text: contents.text }] }
      : { content: [{ type: "resource", resource: contents }] };
  },
};
