/**
 * @module `@mcp-runtime/protocol/signals`: the protocol's error and signal classes alone. Plugin
 * hosts rebuild and recognise these on every call but need nothing else from the protocol, and a
 * host thread that loads only this starts measurably sooner. Same classes as the main entry's.
 */
export { ErrorCode, JsonRpcError } from "./errors.js";
export { InputRequiredSignal } from "./request-context.js";
