/** @module Public entry of @mcp-runtime/telemetry. */
export {};
