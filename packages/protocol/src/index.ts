/** @module Public entry of @mcp-runtime/protocol: JSON-RPC codec, both MCP eras, server and client roles. No I/O. */

export {
  type Admit,
  admissionKey,
  askAdmission,
  clientAddress,
  MAX_ADMISSION_WAIT_MS,
} from "./admission.js";
export {
  type ArgumentCompleter,
  Catalog,
  type CatalogKind,
  type Completion,
  type PromptEntry,
  type ResourceEntry,
  type ResourceTemplateEntry,
  type ToolEntry,
  type ValidationOutcome,
} from "./catalog.js";
export {
  type ClientInputHandlers,
  McpClient,
  type McpClientOptions,
  type RequestOptions,
  type ServerDescription,
} from "./client.js";
export { claimsModernEra, type ModernEnvelope, readModernEnvelope } from "./envelope.js";
export {
  ErrorCode,
  type ErrorCodeValue,
  invalidParams,
  JsonRpcError,
  ProtocolError,
  type ProtocolErrorCode,
  type RateLimitData,
  rateLimited,
} from "./errors.js";
export {
  checkEnvelope,
  type DecodedFrame,
  decodeFrame,
  encodeMessage,
  failure,
  isNotification,
  isRequest,
  isResponse,
  type JsonRpcErrorObject,
  type JsonRpcFailure,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type JsonRpcSuccess,
  success,
  toFailure,
} from "./jsonrpc.js";
export { declaresLegacyTasks, legacyTask } from "./legacy-task-methods.js";
export { ID_PROBE_BYTES, oversizeMessageId } from "./oversize-id.js";
export {
  type ContextHost,
  type InputMethod,
  type InputRequest,
  InputRequiredSignal,
  type RequestChannel,
  RequestContext,
  type RequestIdentity,
} from "./request-context.js";
export { RequestStateCodec } from "./request-state.js";
export {
  type CacheHints,
  type LegacySessionSnapshot,
  McpServer,
  type McpServerOptions,
  type RequestObserver,
  ServerSession,
  type SessionOptions,
} from "./server.js";
export type { ServerLogger, ToolAdmission } from "./server-types.js";
export { LEGACY_TASKS_CAPABILITY, LEGACY_TASKS_VERSION } from "./task-constants.js";
export { runToolTask, type TaskJobPort, type TaskOutcome } from "./task-execution.js";
export {
  createTaskResult,
  declaresTasks,
  isTerminalStatus,
  missingTasksCapability,
  TASKS_EXTENSION,
  type TaskBackend,
  type TaskCall,
  type TaskPolicy,
  type TaskStatus,
  type TaskView,
  taskNotFound,
  taskOwner,
} from "./tasks.js";
export type {
  Annotations,
  AudioContent,
  CallToolResult,
  ClientCapabilities,
  CompleteResult,
  ContentBlock,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  EmbeddedResource,
  GetPromptResult,
  Icon,
  ImageContent,
  Implementation,
  JsonObject,
  ListRootsResult,
  LoggingLevel,
  PromptArgument,
  PromptDescriptor,
  PromptMessage,
  ReadResourceResult,
  ResourceContents,
  ResourceDescriptor,
  ResourceLink,
  ResourceTemplateDescriptor,
  ServerCapabilities,
  TextContent,
  ToolAnnotations,
  ToolDescriptor,
} from "./types.js";
export { LOGGING_LEVELS } from "./types.js";
export { UriTemplate, type UriVariables } from "./uri-template.js";
export {
  allowsBatches,
  DEFAULT_LEGACY_HTTP_VERSION,
  isModernVersion,
  LATEST_LEGACY_PROTOCOL_VERSION,
  LEGACY_PROTOCOL_VERSIONS,
  MetaKey,
  MODERN_PROTOCOL_VERSION,
  MODERN_PROTOCOL_VERSIONS,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "./versions.js";
