/**
 * @module Builds a catalog document from what a runtime lists (pure: descriptors and their sources
 * in, a deterministic document out). Only the fields that describe an entry's contract are kept
 * (`_meta`, icons and task hints are left out), entries are sorted by name or URI.
 */
import type {
  PromptDescriptor,
  ResourceDescriptor,
  ResourceTemplateDescriptor,
  ToolDescriptor,
} from "@mcp-runtime/protocol";
import { compareCodeUnits } from "../sorted-keys.js";
import { documentChecksum, entryChecksum } from "./checksum.js";
import type {
  CatalogDocument,
  CatalogEntry,
  CatalogSource,
  PromptCatalogEntry,
  ResourceCatalogEntry,
  ToolCatalogEntry,
} from "./document.js";
import { entryId } from "./document.js";

export interface Sourced<T> {
  descriptor: T;
  source: CatalogSource;
}

export interface CatalogInputs {
  tools: readonly Sourced<ToolDescriptor>[];
  resources: readonly Sourced<ResourceDescriptor>[];
  resourceTemplates: readonly Sourced<ResourceTemplateDescriptor>[];
  prompts: readonly Sourced<PromptDescriptor>[];
}

export function buildCatalog(inputs: CatalogInputs): CatalogDocument {
  const tools = sorted(
    inputs.tools.map(({ descriptor: d, source }) =>
      sealed<ToolCatalogEntry>({
        name: d.name,
        title: d.title,
        description: d.description,
        inputSchema: d.inputSchema as Record<string, unknown>,
        outputSchema: d.outputSchema as Record<string, unknown> | undefined,
        annotations: d.annotations as Record<string, unknown> | undefined,
        source,
      }),
    ),
  );
  const resources = sorted([
    ...inputs.resources.map(({ descriptor: d, source }) =>
      sealed<ResourceCatalogEntry>({
        uri: d.uri,
        name: d.name,
        title: d.title,
        mimeType: d.mimeType,
        description: d.description,
        source,
      }),
    ),
    ...inputs.resourceTemplates.map(({ descriptor: d, source }) =>
      sealed<ResourceCatalogEntry>({
        uriTemplate: d.uriTemplate,
        name: d.name,
        title: d.title,
        mimeType: d.mimeType,
        description: d.description,
        source,
      }),
    ),
  ]);
  const prompts = sorted(
    inputs.prompts.map(({ descriptor: d, source }) =>
      sealed<PromptCatalogEntry>({
        name: d.name,
        title: d.title,
        description: d.description,
        arguments: d.arguments as Record<string, unknown>[] | undefined,
        source,
      }),
    ),
  );
  const body = { catalog: 1 as const, tools, resources, prompts };
  return { ...body, sha256: documentChecksum(body) };
}

/** The entry without undefined members, with its checksum. */
function sealed<T extends CatalogEntry>(entry: Omit<T, "sha256">): T {
  const kept = Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
  return { ...kept, sha256: entryChecksum(kept as Omit<T, "sha256">) } as T;
}

function sorted<T extends CatalogEntry>(entries: T[]): T[] {
  return entries.sort((a, b) => compareCodeUnits(entryId(a), entryId(b)));
}
