/**
 * @module Entry of `@mcp-runtime/transport-http/fetch`: the stateless 2026-07-28 endpoint as a
 * fetch-style handler for serverless hosts. Its own entry so that serverless bundles never load
 * express or node's http server; nothing reachable from here imports them.
 */
export { createFetchHandler, type FetchHandler, type FetchHandlerOptions } from "./fetch-handler.js";
export type { AuthOutcome, AuthRefusal, ToolGrant, TransportEvent } from "./transport-types.js";
