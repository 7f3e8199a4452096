/** @module `tool()`: lets fixtures live in several modules while keeping each handler's input type inferred. */
import type { SchemaLike, ToolDefinition } from "@mcp-runtime/plugin-sdk";

/**
 * Identity at run time. It exists because an object literal outside `definePlugin` gets no contextual
 * type for its handler, and because the suite fails any tool without a description (tools-list), so
 * the type makes `description` required here.
 */
export function tool<S extends SchemaLike | undefined = undefined>(
  definition: ToolDefinition<S> & { description: string },
): ToolDefinition<S> {
  return definition;
}
