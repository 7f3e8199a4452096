/**
 * @module The server's catalogue of tools, resources, resource templates and prompts, with their
 * handlers. Filled once at start-up (and on reload); list pages are built once per change, so a
 * `tools/list` costs a map lookup, not a sort.
 */
import { ErrorCode, JsonRpcError, ProtocolError } from "./errors.js";
import type { RequestContext } from "./request-context.js";
import type {
  CallToolResult,
  CompleteResult,
  GetPromptResult,
  JsonObject,
  PromptDescriptor,
  ReadResourceResult,
  ResourceDescriptor,
  ResourceTemplateDescriptor,
  ToolDescriptor,
} from "./types.js";
import { UriTemplate, type UriVariables } from "./uri-template.js";

export type ValidationOutcome = { ok: true; value: JsonObject } | { ok: false; message: string };

export interface ToolEntry {
  descriptor: ToolDescriptor;
  /** Precompiled at registration; returns the (possibly defaulted) arguments. */
  validateInput(args: JsonObject): ValidationOutcome;
  call(args: JsonObject, ctx: RequestContext): Promise<CallToolResult>;
}

export type Completion = CompleteResult["completion"];

export type ArgumentCompleter = (
  argument: string,
  value: string,
  context: Record<string, string>,
) => Promise<Completion> | Completion;

export interface ResourceEntry {
  descriptor: ResourceDescriptor;
  read(uri: string, ctx: RequestContext): Promise<ReadResourceResult>;
}

export interface ResourceTemplateEntry {
  descriptor: ResourceTemplateDescriptor;
  /** Reads a matching URI; returning undefined means "no such resource" (-32602 / -32002). */
  read(uri: string, variables: UriVariables, ctx: RequestContext): Promise<ReadResourceResult | undefined>;
  complete?: ArgumentCompleter;
}

export interface PromptEntry {
  descriptor: PromptDescriptor;
  get(args: Record<string, string>, ctx: RequestContext): Promise<GetPromptResult>;
  complete?: ArgumentCompleter;
}

export type CatalogKind = "tools" | "resources" | "prompts";

interface Pages<T> {
  items: readonly T[];
  pages: readonly (readonly T[])[];
}

const CURSOR_PREFIX = "c1.";

/** The literal scheme a URI or URI template starts with (`file`, `test`), lower-cased. */
function schemeOf(text: string): string | undefined {
  const colon = text.indexOf(":");
  if (colon <= 0) return undefined;
  const scheme = text.slice(0, colon);
  return /^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme) ? scheme.toLowerCase() : undefined;
}

export class Catalog {
  private readonly toolMap = new Map<string, ToolEntry>();
  private readonly resourceMap = new Map<string, ResourceEntry>();
  private readonly templateList: { entry: ResourceTemplateEntry; template: UriTemplate }[] = [];
  /**
   * Templates by the URI scheme they start with, rebuilt on change, so a read scans only the
   * templates that could match. `undefined` when a template does not start with a literal scheme
   * (then every read scans them all, in registration order).
   */
  private templatesByScheme:
    | Map<string, { entry: ResourceTemplateEntry; template: UriTemplate }[]>
    | undefined = new Map();
  private readonly promptMap = new Map<string, PromptEntry>();
  private readonly listeners = new Set<(kind: CatalogKind) => void>();
  private readonly pageSize: number;
  private revision = 0;
  private cache = new Map<string, Pages<unknown>>();

  constructor(options: { pageSize?: number } = {}) {
    const { pageSize = 100 } = options;
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new TypeError('"pageSize" option must be a positive integer');
    this.pageSize = pageSize;
  }

  addTool(entry: ToolEntry): void {
    this.claim(this.toolMap, entry.descriptor.name, "tool");
    this.toolMap.set(entry.descriptor.name, entry);
    this.changed("tools");
  }

  addResource(entry: ResourceEntry): void {
    this.claim(this.resourceMap, entry.descriptor.uri, "resource");
    this.resourceMap.set(entry.descriptor.uri, entry);
    this.changed("resources");
  }

  addResourceTemplate(entry: ResourceTemplateEntry): void {
    if (this.templateList.some((t) => t.entry.descriptor.uriTemplate === entry.descriptor.uriTemplate)) {
      throw new ProtocolError(
        "ERR_DUPLICATE_NAME",
        `resource template "${entry.descriptor.uriTemplate}" is registered twice`,
      );
    }
    this.templateList.push({ entry, template: new UriTemplate(entry.descriptor.uriTemplate) });
    this.indexTemplates();
    this.changed("resources");
  }

  addPrompt(entry: PromptEntry): void {
    this.claim(this.promptMap, entry.descriptor.name, "prompt");
    this.promptMap.set(entry.descriptor.name, entry);
    this.changed("prompts");
  }

  /** Removes everything a predicate selects (used when a plugin is unloaded or reloaded). */
  remove(predicate: (name: string, kind: CatalogKind | "templates") => boolean): void {
    const drop = <T>(map: Map<string, T>, kind: CatalogKind): void => {
      let removed = false;
      for (const key of [...map.keys()]) {
        if (predicate(key, kind)) {
          map.delete(key);
          removed = true;
        }
      }
      if (removed) this.changed(kind);
    };
    drop(this.toolMap, "tools");
    drop(this.resourceMap, "resources");
    drop(this.promptMap, "prompts");
    const before = this.templateList.length;
    for (let i = this.templateList.length - 1; i >= 0; i--) {
      const item = this.templateList[i];
      if (item && predicate(item.entry.descriptor.uriTemplate, "templates")) this.templateList.splice(i, 1);
    }
    if (this.templateList.length !== before) {
      this.indexTemplates();
      this.changed("resources");
    }
  }

  private indexTemplates(): void {
    const index = new Map<string, { entry: ResourceTemplateEntry; template: UriTemplate }[]>();
    for (const item of this.templateList) {
      const scheme = schemeOf(item.entry.descriptor.uriTemplate);
      if (scheme === undefined) {
        this.templatesByScheme = undefined;
        return;
      }
      const list = index.get(scheme);
      if (list === undefined) index.set(scheme, [item]);
      else list.push(item);
    }
    this.templatesByScheme = index;
  }

  onChange(listener: (kind: CatalogKind) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get hasTools(): boolean {
    return this.toolMap.size > 0;
  }
  get hasResources(): boolean {
    return this.resourceMap.size > 0 || this.templateList.length > 0;
  }
  get hasPrompts(): boolean {
    return this.promptMap.size > 0;
  }
  get hasCompletions(): boolean {
    return this.hasPrompts || this.templateList.some((t) => t.entry.complete !== undefined);
  }

  tool(name: string): ToolEntry | undefined {
    return this.toolMap.get(name);
  }

  prompt(name: string): PromptEntry | undefined {
    return this.promptMap.get(name);
  }

  resource(uri: string): ResourceEntry | undefined {
    return this.resourceMap.get(uri);
  }

  resourceTemplate(uriTemplate: string): ResourceTemplateEntry | undefined {
    return this.templateList.find((t) => t.entry.descriptor.uriTemplate === uriTemplate)?.entry;
  }

  /** The first template (in registration order) that matches the URI. */
  matchTemplate(uri: string): { entry: ResourceTemplateEntry; variables: UriVariables } | undefined {
    const index = this.templatesByScheme;
    const candidates = index === undefined ? this.templateList : index.get(schemeOf(uri) ?? "");
    if (candidates === undefined) return undefined;
    for (const { entry, template } of candidates) {
      const variables = template.match(uri);
      if (variables) return { entry, variables };
    }
    return undefined;
  }

  listTools(cursor: string | undefined): { items: readonly ToolDescriptor[]; nextCursor?: string } {
    return this.page(
      "tools",
      cursor,
      () => [...this.toolMap.values()].map((t) => t.descriptor),
      (d) => d.name,
    );
  }

  listResources(cursor: string | undefined): { items: readonly ResourceDescriptor[]; nextCursor?: string } {
    return this.page(
      "resources",
      cursor,
      () => [...this.resourceMap.values()].map((r) => r.descriptor),
      (d) => d.uri,
    );
  }

  listResourceTemplates(cursor: string | undefined): {
    items: readonly ResourceTemplateDescriptor[];
    nextCursor?: string;
  } {
    return this.page(
      "templates",
      cursor,
      () => this.templateList.map((t) => t.entry.descriptor),
      (d) => d.uriTemplate,
    );
  }

  listPrompts(cursor: string | undefined): { items: readonly PromptDescriptor[]; nextCursor?: string } {
    return this.page(
      "prompts",
      cursor,
      () => [...this.promptMap.values()].map((p) => p.descriptor),
      (d) => d.name,
    );
  }

  private claim(map: Map<string, unknown>, key: string, what: string): void {
    if (map.has(key)) throw new ProtocolError("ERR_DUPLICATE_NAME", `${what} "${key}" is registered twice`);
  }

  private changed(kind: CatalogKind): void {
    this.revision++;
    this.cache = new Map();
    for (const listener of this.listeners) listener(kind);
  }

  /**
   * Deterministic pages (sorted by key). The cursor names the catalogue revision and the offset, so a
   * cursor from before a change is refused rather than silently skipping or repeating items.
   */
  private page<T>(
    kind: string,
    cursor: string | undefined,
    collect: () => T[],
    keyOf: (item: T) => string,
  ): { items: readonly T[]; nextCursor?: string } {
    let pages = this.cache.get(kind) as Pages<T> | undefined;
    if (!pages) {
      const items = collect().sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
      const chunks: T[][] = [];
      for (let i = 0; i < items.length; i += this.pageSize) chunks.push(items.slice(i, i + this.pageSize));
      pages = { items, pages: chunks.length > 0 ? chunks : [[]] };
      this.cache.set(kind, pages);
    }
    let index = 0;
    if (cursor !== undefined) index = this.decodeCursor(cursor, pages.pages.length);
    const items = pages.pages[index] ?? [];
    const next = index + 1 < pages.pages.length ? `${CURSOR_PREFIX}${this.revision}.${index + 1}` : undefined;
    return next === undefined ? { items } : { items, nextCursor: next };
  }

  private decodeCursor(cursor: string, pageCount: number): number {
    if (typeof cursor === "string" && cursor.startsWith(CURSOR_PREFIX)) {
      const [revision, index] = cursor.slice(CURSOR_PREFIX.length).split(".").map(Number);
      if (
        revision === this.revision &&
        Number.isInteger(index) &&
        index !== undefined &&
        index > 0 &&
        index < pageCount
      ) {
        return index;
      }
    }
    throw new JsonRpcError(ErrorCode.InvalidParams, "Invalid params: invalid or expired cursor");
  }
}
