/** @module Public entry of @mcp-runtime/transport-http: Streamable HTTP (both MCP eras) and legacy HTTP+SSE. */
export { createMcpHttpApp, type McpHttpApp } from "./app.js";
export {
  type EventStore,
  MemoryEventStore,
  type MemoryEventStoreOptions,
  type StoredEvent,
} from "./event-store.js";
export { decodeHeaderValue } from "./header-check.js";
export type { LegacySession } from "./legacy-session.js";
export type { HttpTransportOptions } from "./options.js";
export {
  MemorySessionStore,
  type MemorySessionStoreOptions,
  type SessionRecord,
  type SessionStore,
} from "./session-store.js";
export { type RunningHttpServer, startHttpServer } from "./start-server.js";
export type { AuthOutcome, AuthRefusal, ToolGrant, TransportEvent } from "./transport-types.js";
