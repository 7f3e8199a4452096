/** @module Public entry of @mcp-runtime/cache. */
export {};
