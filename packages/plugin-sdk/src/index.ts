/** @module Public entry of @mcp-runtime/plugin-sdk: what plugin authors import. */

export type {
  CallToolResult,
  ClientCapabilities,
  ContentBlock,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  GetPromptResult,
  JsonObject,
  ListRootsResult,
  LoggingLevel,
  PromptMessage,
  ResourceContents,
  ToolAnnotations,
} from "@mcp-runtime/protocol";
export {
  type CachePolicy,
  type CallContext,
  type ChangeNotifier,
  type Completer,
  definePlugin,
  defineTool,
  isPlugin,
  type Plugin,
  type PluginDefinition,
  type PluginLogger,
  type PromptArgumentDefinition,
  type PromptDefinition,
  type PromptReturn,
  type ResourceDefinition,
  type ResourceReturn,
  type ResourceTemplateDefinition,
  type ToolBatchOptions,
  type ToolDefinition,
  type ToolReturn,
} from "./define.js";
export {
  createSafeFetch,
  isBlockedAddress,
  type SafeFetch,
  SafeFetchError,
  type SafeFetchErrorCode,
  type SafeFetchInit,
  type SafeFetchOptions,
} from "./safe-fetch.js";
export {
  type CompiledSchema,
  compileSchema,
  type InferInput,
  type JsonSchema,
  type SchemaLike,
  type StandardSchema,
} from "./schema.js";
export { createScopedFs, type ScopedFs, ScopedFsError, type ScopedFsErrorCode } from "./scoped-fs.js";
