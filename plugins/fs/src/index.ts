/** @module Public entry of @mcp-runtime/plugin-fs: read-only file access under configured roots. */
import { definePlugin } from "@mcp-runtime/plugin-sdk";
import { fsConfigSchema } from "./config.js";
import { summarizeFilePrompt } from "./prompts/summarize-file.js";
import { fileTemplate } from "./resources/file-template.js";
import { listDirectoryTool } from "./tools/list-directory.js";
import { listRootsTool } from "./tools/list-roots.js";
import { readFileTool } from "./tools/read-file.js";
import { searchFilesTool } from "./tools/search-files.js";
import { statTool } from "./tools/stat.js";

export { FsPluginError, type FsPluginErrorCode } from "./errors.js";

export default definePlugin({
  name: "fs",
  version: "0.1.0",
  description: "Read-only access to files under the roots named in this plugin's config",
  config: fsConfigSchema,
  tools: {
    list_directory: listDirectoryTool,
    read_file: readFileTool,
    search_files: searchFilesTool,
    stat: statTool,
    list_roots: listRootsTool,
  },
  resourceTemplates: { file: fileTemplate },
  prompts: { summarize_file: summarizeFilePrompt },
});
