/**
 * @module How `mcp-runtime call` prints a CallToolResult: text contents one per line, other content
 * summarised on one line each (`[image image/png, 1234 bytes]`), structuredContent pretty-printed
 * when there is no text.
 */
import type { CallToolResult, ContentBlock } from "@mcp-runtime/protocol";

export function renderResult(result: CallToolResult): string {
  const content = Array.isArray(result.content) ? result.content : [];
  const lines = content.map(renderBlock);
  const hasText = content.some((block) => block.type === "text");
  if (!hasText && result.structuredContent !== undefined)
    lines.push(JSON.stringify(result.structuredContent, null, 2));
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

function renderBlock(block: ContentBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "image":
    case "audio":
      return `[${block.type} ${block.mimeType}, ${base64Bytes(block.data)} bytes]`;
    case "resource_link":
      return `[resource link ${block.uri}${block.mimeType ? ` ${block.mimeType}` : ""}]`;
    case "resource": {
      const { resource } = block;
      const size =
        "text" in resource && typeof resource.text === "string"
          ? `${Buffer.byteLength(resource.text)} bytes`
          : "blob" in resource && typeof resource.blob === "string"
            ? `${base64Bytes(resource.blob)} bytes`
            : "empty";
      return `[resource ${resource.uri}${resource.mimeType ? ` ${resource.mimeType}` : ""}, ${size}]`;
    }
    default:
      return `[${(block as { type: string }).type}]`;
  }
}

/** Decoded size of base64 data, without decoding it. */
function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((data.replace(/\s/g, "").length * 3) / 4) - padding);
}
