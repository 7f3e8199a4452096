/** @module Public entry of @mcp-runtime/transport-ws: MCP over WebSocket (`ws`, subprotocol `mcp`). */
export { attachWebSocket, type McpWebSocketServer } from "./attach.js";
export { MCP_SUBPROTOCOL } from "./handshake.js";
export type {
  WebSocketAuthenticate,
  WebSocketAuthOutcome,
  WebSocketTransportEvent,
  WebSocketTransportOptions,
} from "./options.js";
export {
  type RunningWebSocketServer,
  type StartWebSocketServerOptions,
  startWebSocketServer,
} from "./start-server.js";
