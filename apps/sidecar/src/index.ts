/** @module Public entry of @mcp-runtime/sidecar. */
export {};
