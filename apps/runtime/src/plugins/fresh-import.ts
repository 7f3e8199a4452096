/**
 * @module The query parameter that marks a fresh import of a plugin module (`mcp-runtime dev`):
 * shared by the resolver that adds it and the module hooks that pass it on to relative imports.
 */
export const FRESH_IMPORT_PARAM = "mcp-runtime-fresh";
