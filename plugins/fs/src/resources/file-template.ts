/**
 * @module Resource template `file://{+path}`: any file under the roots, read by URI. URIs outside
 * the roots (or naming no file) read as "not found", so a client cannot probe the disk.
 */
import { fileURLToPath } from "node:url";
import type { ResourceTemplateDefinition } from "@mcp-runtime/plugin-sdk";
import { completePath } from "../complete-path.js";
import { rootsFor } from "../config.js";
import { toFsPluginError } from "../errors.js";
import { type FileContent, readFileContent } from "../file-content.js";

const NOT_FOUND_CODES = new Set(["ERR_OUTSIDE_ROOTS", "ERR_NOT_FOUND", "ERR_NOT_A_FILE", "ERR_NO_ROOTS"]);

export const fileTemplate: ResourceTemplateDefinition = {
  uriTemplate: "file://{+path}",
  name: "file",
  description: "A file under the plugin's roots",
  async read(uri, _variables, ctx) {
    let path: string;
    try {
      // The URI, not the template variable: fileURLToPath decodes %XX and refuses encoded "/"
      // and remote hosts, which a hand-rolled decode of `path` would not.
      path = fileURLToPath(uri);
    } catch {
      return undefined;
    }
    const { settings, fs } = await rootsFor(ctx.config);
    let file: FileContent;
    try {
      file = await readFileContent(fs, path, settings.maxReadBytes);
    } catch (cause) {
      const error = toFsPluginError(cause);
      if (NOT_FOUND_CODES.has(error.code)) return undefined;
      throw error;
    }
    // Contents keep the requested URI (the host fills it in), even when a symlink led elsewhere.
    return file.binary
      ? { blob: file.bytes.toString("base64"), mimeType: file.mimeType }
      : { text: file.bytes.toString("utf8"), mimeType: file.mimeType };
  },
  complete: { path: completePath },
};
