/**
 * @module Large tool results as links: a result bigger than `cache.largeResultBytes` is stored in
 * the cache for `largeResultTtlSeconds` and the client gets a short result with a `resource_link`
 * to `mcp-runtime://results/{id}` instead, which the same caller (same subject; anyone holding the
 * unguessable id when there is no authentication) reads back with `resources/read`.
 */
import { randomBytes } from "node:crypto";
import { type Cache, keyPart } from "@mcp-runtime/cache";
import type { CacheConfig } from "@mcp-runtime/config";
import type {
  CallToolResult,
  Catalog,
  ContentBlock,
  ReadResourceResult,
  RequestContext,
} from "@mcp-runtime/protocol";
import type { RuntimeMetrics } from "@mcp-runtime/telemetry";
import type { Logger } from "../logger.js";
import { withHints } from "./result-cache.js";

export const LARGE_RESULT_TEMPLATE = "mcp-runtime://results/{id}";
const URI_PREFIX = "mcp-runtime://results/";

/** `resource_link` content arrived in 2025-06-18; older clients get the full result. */
const NO_LINKS = new Set(["2024-11-05", "2025-03-26"]);

interface Stored {
  /** who may read it back: a hash of the subject, "-" without one */
  owner: string;
  mimeType: string;
  text: string;
}

export class LargeResults {
  private config: CacheConfig;
  private catalog: Catalog | undefined;
  private registered = false;

  constructor(
    private readonly cache: Cache,
    config: CacheConfig,
    private readonly metrics: RuntimeMetrics | undefined,
    private readonly logger: Logger,
  ) {
    this.config = config;
  }

  /** Takes a reloaded `cache` section; turning links on adds the template then. */
  update(config: CacheConfig): void {
    this.config = config;
    if (this.catalog !== undefined) this.register(this.catalog);
  }

  /** Adds the template clients read stored results through, once links are on. */
  register(catalog: Catalog): void {
    this.catalog = catalog;
    if (this.registered || this.config.largeResultBytes === 0) return;
    this.registered = true;
    catalog.addResourceTemplate({
      descriptor: {
        uriTemplate: LARGE_RESULT_TEMPLATE,
        name: "large-tool-results",
        title: "Large tool results",
        description:
          "Tool results too large to send inline, kept for a while for the caller that made the call (links come in tool results).",
      },
      read: (uri, _variables, ctx) => this.read(uri, ctx),
    });
  }

  /** The result as it should reach the client: itself, or a link to it when it is too large. */
  shrink(
    result: CallToolResult,
    tool: string,
    hasOutputSchema: boolean,
    ctx: RequestContext,
  ): Promise<CallToolResult> | CallToolResult {
    const limit = this.config.largeResultBytes;
    // Structured results must match the tool's output schema, which a link cannot.
    if (limit === 0 || hasOutputSchema || result.isError === true) return result;
    const size = approximateSize(result);
    if (size <= limit || NO_LINKS.has(ctx.identity.protocolVersion)) return result;
    // A memory cache would not keep it (a value may use at most its byte bound; UTF-8 may double it).
    if (this.cache.backend === "memory" && size * 2 > this.config.maxBytes) return result;
    return this.store(result, tool, ctx).catch((cause: unknown) => {
      // The call ran: a cache that cannot take its result must not fail it. Send it inline.
      this.metrics?.cacheError("backend");
      this.logger.warn({
        msg: "large result sent inline",
        tool,
        error: cause instanceof Error ? cause.message : String(cause),
      });
      return result;
    });
  }

  private async store(result: CallToolResult, tool: string, ctx: RequestContext): Promise<CallToolResult> {
    const only = result.content.length === 1 ? result.content[0] : undefined;
    const plain = only?.type === "text" && result.structuredContent === undefined;
    const stored: Stored = {
      owner: ownerOf(ctx),
      mimeType: plain ? "text/plain" : "application/json",
      text: plain ? (only as { text: string }).text : JSON.stringify(result),
    };
    const id = randomBytes(18).toString("base64url");
    const ttlSeconds = this.config.largeResultTtlSeconds;
    await this.cache.set(`L|${id}`, JSON.stringify(stored), { ttlMs: ttlSeconds * 1000 });
    this.metrics?.cacheLookup("large_result", false);
    const uri = `${URI_PREFIX}${id}`;
    const size = Buffer.byteLength(stored.text);
    const link: ContentBlock = {
      type: "resource_link",
      uri,
      name: `${tool} result`,
      mimeType: stored.mimeType,
      size,
    } as ContentBlock;
    const note: ContentBlock = {
      type: "text",
      text: `The result of ${tool} is ${size} bytes, too large to send inline. It is kept as ${uri} for ${ttlSeconds} s: read it with resources/read.`,
    };
    return { content: [note, link] };
  }

  private async read(uri: string, ctx: RequestContext): Promise<ReadResourceResult | undefined> {
    const id = uri.slice(URI_PREFIX.length);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
    const hit = await this.cache.get(`L|${id}`);
    const stored = hit === undefined ? undefined : (JSON.parse(hit.value) as Stored);
    // Someone else's result reads as missing, the same answer as an expired one.
    if (stored === undefined || stored.owner !== ownerOf(ctx)) return undefined;
    this.metrics?.cacheLookup("large_result", true);
    return withHints(
      { contents: [{ uri, mimeType: stored.mimeType, text: stored.text }] },
      ctx,
      hit?.ttlMs ?? 0,
      "private",
    );
  }
}

function ownerOf(ctx: RequestContext): string {
  const subject = ctx.identity.subject;
  return subject === undefined ? "-" : keyPart(`subject\u0000${subject}`);
}

/** Characters of text and base64 payloads (close to bytes for the ASCII and base64 that dominate). */
function approximateSize(result: CallToolResult): number {
  let size = 0;
  for (const block of result.content) {
    const item = block as { text?: unknown; data?: unknown; resource?: { text?: unknown; blob?: unknown } };
    if (typeof item.text === "string") size += item.text.length;
    else if (typeof item.data === "string") size += item.data.length;
    else if (item.resource !== undefined) {
      const inner = item.resource;
      if (typeof inner.text === "string") size += inner.text.length;
      else if (typeof inner.blob === "string") size += inner.blob.length;
    }
  }
  if (result.structuredContent !== undefined) size += JSON.stringify(result.structuredContent).length;
  return size;
}
