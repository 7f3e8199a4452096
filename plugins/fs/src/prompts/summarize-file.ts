/** @module Prompt `summarize_file`: a file under the roots embedded as a resource, with the request to summarise it. */
import type { PromptDefinition } from "@mcp-runtime/plugin-sdk";
import { completePath } from "../complete-path.js";
import { rootsFor } from "../config.js";
import { readFileContent, toResourceContents } from "../file-content.js";

export const summarizeFilePrompt: PromptDefinition = {
  title: "Summarize file",
  description: "Ask the model to summarize a file under the allowed roots",
  arguments: {
    path: { description: "File to summarize: absolute, or relative to the first root", required: true },
  },
  async get(args, ctx) {
    const path = args.path;
    if (path === undefined || path === "") throw new TypeError('argument "path" is required');
    const { settings, fs } = await rootsFor(ctx.config);
    const file = await readFileContent(fs, path, settings.maxReadBytes);
    return [
      { role: "user", content: { type: "resource", resource: toResourceContents(file) } },
      { role: "user", content: { type: "text", text: "Summarize this file." } },
    ];
  },
  complete: { path: completePath },
};
