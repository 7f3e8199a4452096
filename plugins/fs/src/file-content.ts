/**
 * @module Reading one file under the roots for the read_file tool, the file:// template and the
 * summarize_file prompt: confined, size-limited, typed by extension, text or blob by content.
 */
import { pathToFileURL } from "node:url";
import type { ScopedFs } from "@mcp-runtime/plugin-sdk";
import { FsPluginError, guarded } from "./errors.js";
import { looksBinary, mimeTypeFor } from "./mime.js";
import type { ResourceContents } from "./sdk-types.js";

export interface FileContent {
  /** Real path inside the roots. */
  readonly path: string;
  readonly uri: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
  readonly binary: boolean;
}

export function readFileContent(fs: ScopedFs, path: string, maxBytes: number): Promise<FileContent> {
  return guarded(async () => {
    const real = await fs.resolve(path);
    const info = await fs.stat(real);
    if (!info.isFile()) throw new FsPluginError("ERR_NOT_A_FILE", "path is not a regular file");
    // Checked here, before reading, so the message can give both numbers; readFile checks again
    // on the open handle in case the file grew in between.
    if (info.size > maxBytes) {
      throw new FsPluginError(
        "ERR_TOO_LARGE",
        `file is ${info.size} bytes, over the ${maxBytes}-byte read limit`,
      );
    }
    const bytes = await fs.readFile(real, { maxBytes });
    return {
      path: real,
      uri: pathToFileURL(real).href,
      mimeType: mimeTypeFor(real),
      bytes,
      binary: looksBinary(bytes),
    };
  });
}

/** As MCP resource contents: text unless the bytes look binary or the caller asked for base64. */
export function toResourceContents(file: FileContent, encoding?: "utf8" | "base64"): ResourceContents {
  const asBlob = encoding === "base64" || (encoding === undefined && file.binary);
  return asBlob
    ? { uri: file.uri, mimeType: file.mimeType, blob: file.bytes.toString("base64") }
    : { uri: file.uri, mimeType: file.mimeType, text: file.bytes.toString("utf8") };
}
