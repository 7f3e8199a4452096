/**
 * @module An MCP server on a serverless host (Cloudflare Workers, Deno Deploy, Bun, Vercel): one
 * `echo` tool served by the stateless 2026-07-28 fetch handler. The tool runs in-process, in the
 * function itself: there is no sandbox here (see README.md).
 */
import { Catalog, McpServer, type ToolEntry } from "@mcp-runtime/protocol";
import { createFetchHandler } from "@mcp-runtime/transport-http/fetch";

const echo: ToolEntry = {
  descriptor: {
    name: "echo",
    description: "Echo the given text back",
    inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    annotations: { readOnlyHint: true, idempotentHint: true },
  },
  validateInput: (args) =>
    typeof args.text === "string"
      ? { ok: true, value: args }
      : { ok: false, message: '"text" must be a string' },
  call: async (args) => ({ content: [{ type: "text", text: String(args.text) }] }),
};

const catalog = new Catalog();
catalog.addTool(echo);

// Built once per instance, not per request: the catalogue, the sessions and the header checks.
const server = new McpServer({ info: { name: "mcp-runtime-serverless-example", version: "0.1.0" }, catalog });
const handler = createFetchHandler(server, {
  // Browser pages on other origins must be listed to call it; SDKs and curl send no Origin and pass.
  allowedOrigins: [],
  maxMessageBytes: 1024 * 1024,
});

export default {
  fetch(request: Request): Promise<Response> {
    return handler(request);
  },
};
