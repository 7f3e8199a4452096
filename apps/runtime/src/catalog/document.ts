/**
 * @module The catalog document (`mcp-runtime catalog export`): every tool, resource (and resource
 * template) and prompt a runtime serves, where each comes from, and checksums. Format version 1.
 */

/** Who provides an entry; `version` is left out of checksums (a bump alone changes none). */
export type CatalogSource =
  | { kind: "plugin"; id: string; package: string; version: string }
  | { kind: "upstream"; id: string; version?: string }
  /** what the runtime itself serves (the large-result template): versioned with the runtime */
  | { kind: "runtime"; id: string; version: string };

export interface ToolCatalogEntry {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  source: CatalogSource;
  sha256: string;
}

/** A resource has `uri`; a resource template has `uriTemplate` instead. */
export interface ResourceCatalogEntry {
  uri?: string;
  uriTemplate?: string;
  name: string;
  title?: string;
  mimeType?: string;
  description?: string;
  source: CatalogSource;
  sha256: string;
}

export interface PromptCatalogEntry {
  name: string;
  title?: string;
  description?: string;
  arguments?: Record<string, unknown>[];
  source: CatalogSource;
  sha256: string;
}

export interface CatalogDocument {
  catalog: 1;
  tools: ToolCatalogEntry[];
  resources: ResourceCatalogEntry[];
  prompts: PromptCatalogEntry[];
  /** sha256 over the entries' checksums in document order (tools, resources, prompts), one per line */
  sha256: string;
}

export type CatalogSection = "tools" | "resources" | "prompts";
export const SECTIONS: readonly CatalogSection[] = ["tools", "resources", "prompts"];

export type CatalogEntry = ToolCatalogEntry | ResourceCatalogEntry | PromptCatalogEntry;

/** How an entry is named in messages and diffs: `tools/echo`, `resources/file:///a`. */
export function entryKey(section: CatalogSection, entry: CatalogEntry): string {
  return `${section}/${entryId(entry)}`;
}

/** What an entry is sorted and matched by: its name, or its URI (template). */
export function entryId(entry: CatalogEntry): string {
  if ("uri" in entry && typeof entry.uri === "string") return entry.uri;
  if ("uriTemplate" in entry && typeof entry.uriTemplate === "string") return entry.uriTemplate;
  return entry.name;
}

/** `@mcp-runtime/plugin-echo`, `upstream "everything"`: how a source is named to the operator. */
export function sourceLabel(source: CatalogSource): string {
  if (source.kind === "plugin") return source.package;
  if (source.kind === "upstream") return `upstream "${source.id}"`;
  return source.id;
}
