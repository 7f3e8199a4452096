/** @module Public entry of @mcp-runtime/transport-stdio: MCP over newline-delimited stdin/stdout. */
export { type LineEvent, LineReader } from "./line-reader.js";
export { type StdioConnection, type StdioServerOptions, serveStdio } from "./stdio-server.js";
