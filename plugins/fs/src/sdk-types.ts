/**
 * @module MCP shapes the plugin builds, derived from the SDK's public types: the SDK does not
 * re-export its protocol types, and plugins may depend on the SDK only.
 */
import type { PromptReturn, ResourceReturn, ToolReturn } from "@mcp-runtime/plugin-sdk";

export type ContentBlock = Extract<ToolReturn, readonly unknown[]>[number];
export type ResourceContents = Extract<ResourceReturn, readonly unknown[]>[number];
export type PromptMessage = Extract<PromptReturn, readonly unknown[]>[number];
export type JsonObject = Extract<ToolReturn, { structuredContent: unknown }>["structuredContent"];
