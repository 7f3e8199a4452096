/**
 * @module Catalogue entries for what one upstream lists: tool and prompt names get the upstream's
 * namespace, resource URIs and templates stay as the upstream spells them (URIs are global). Each
 * entry's closures are made here, once per entry, and wrapped in the same cache, large-result and
 * tracing hooks as a plugin's (see `registerPlugin`); a call costs one relay, nothing more.
 */
import { compileSchema } from "@mcp-runtime/plugin-sdk";
import type {
  CallToolResult,
  CatalogKind,
  JsonObject,
  PromptDescriptor,
  PromptEntry,
  ReadResourceResult,
  RequestContext,
  ResourceDescriptor,
  ResourceEntry,
  ResourceTemplateDescriptor,
  ResourceTemplateEntry,
  ToolDescriptor,
  ToolEntry,
  ValidationOutcome,
} from "@mcp-runtime/protocol";
import type { SpanHandle } from "@mcp-runtime/telemetry/tracing";
import type { RegisterHooks } from "../plugins/register.js";
import { inChildSpan } from "../telemetry/child-span.js";
import { type RelayTarget, relay } from "./relay.js";
import type { UpstreamCatalog } from "./types.js";

export type Slot = CatalogKind | "templates";

/** One thing an upstream offers, as the runtime lists it, and how to make its catalogue entry. */
export type Item =
  | { slot: "tools"; key: string; descriptor: ToolDescriptor; make(): ToolEntry }
  | { slot: "resources"; key: string; descriptor: ResourceDescriptor; make(): ResourceEntry }
  | { slot: "templates"; key: string; descriptor: ResourceTemplateDescriptor; make(): ResourceTemplateEntry }
  | { slot: "prompts"; key: string; descriptor: PromptDescriptor; make(): PromptEntry };

/** What entries are made for: an upstream with its namespace and (for reads) how it shares sessions. */
export interface EntrySource extends RelayTarget {
  readonly id: string;
  /** prepended to tool and prompt names ("" for none) */
  readonly prefix: string;
}

/** Everything a listing offers, in catalogue terms (entries are made only when registered). */
export function itemsOf(source: EntrySource, listing: UpstreamCatalog, hooks: RegisterHooks): Item[] {
  // A modern upstream says per result how long a read may be reused; the runtime relays that
  // rather than caching on its own terms. A legacy upstream gets the runtime's policy, as a plugin.
  const ownHints = listing.server.era === "modern";
  const items: Item[] = [];
  for (const remote of listing.tools) {
    // The runtime calls upstream tools inline: the upstream's own task support does not apply here.
    const { execution: _execution, ...rest } = remote;
    const descriptor: ToolDescriptor = { ...rest, name: `${source.prefix}${remote.name}` };
    items.push({
      slot: "tools",
      key: descriptor.name,
      descriptor,
      make: () => toolEntry(source, remote, descriptor, hooks),
    });
  }
  for (const descriptor of listing.resources) {
    items.push({
      slot: "resources",
      key: descriptor.uri,
      descriptor,
      make: () => resourceEntry(source, descriptor, hooks, ownHints),
    });
  }
  for (const descriptor of listing.resourceTemplates) {
    items.push({
      slot: "templates",
      key: descriptor.uriTemplate,
      descriptor,
      make: () => templateEntry(source, descriptor, hooks, ownHints),
    });
  }
  for (const remote of listing.prompts) {
    const descriptor: PromptDescriptor = { ...remote, name: `${source.prefix}${remote.name}` };
    const remoteName = remote.name;
    items.push({
      slot: "prompts",
      key: descriptor.name,
      descriptor,
      make: () => ({
        descriptor,
        get: (args, ctx) =>
          relay(source, ctx, (session, options) => session.getPrompt(remoteName, args, options)),
      }),
    });
  }
  return items;
}

function toolEntry(
  source: EntrySource,
  remote: ToolDescriptor,
  descriptor: ToolDescriptor,
  hooks: RegisterHooks,
): ToolEntry {
  const remoteName = remote.name;
  const name = descriptor.name;
  const { tracing, results, large } = hooks;
  let call: ToolEntry["call"] = (args, ctx) =>
    relay(source, ctx, (session, options) => session.callTool(remoteName, args, options));
  if (tracing !== undefined) {
    const direct = call;
    const attributes = { "mcp.upstream.id": source.id, "gen_ai.tool.name": name };
    call = (args, ctx) =>
      inChildSpan(
        tracing,
        "upstream.call",
        ctx.observation,
        attributes,
        () => direct(args, ctx),
        markToolError,
      );
  }
  if (results !== undefined) call = results.wrapTool(source.id, name, call);
  if (large !== undefined) {
    const whole = call;
    const hasOutputSchema = descriptor.outputSchema !== undefined;
    call = async (args, ctx) => large.shrink(await whole(args, ctx), name, hasOutputSchema, ctx);
  }
  return { descriptor, validateInput: inputValidator(remote.inputSchema), call };
}

function markToolError(span: SpanHandle, result: CallToolResult): void {
  if (result.isError === true) span.error("tool returned isError");
}

const SCHEMA_INVALID = "the schema is invalid";
const ANY_OBJECT: JsonObject = { type: "object" };

/**
 * Arguments are checked against the upstream's input schema here, with the validator plugins get
 * (compiled once, on first use), so a malformed call costs no round trip, no rate-limit token and
 * no budget. `$schema` is dropped first: upstreams built on zod 3 declare draft-07, whose
 * differences from 2020-12 do not matter for tool inputs. A schema the validator cannot compile is
 * left to the upstream (it validates anyway), never turned into a refusal of every call.
 */
function inputValidator(schema: JsonObject): ToolEntry["validateInput"] {
  const { $schema: _dialect, ...rest } = schema;
  const compiled = compileSchema(rest, ANY_OBJECT);
  let usable = true;
  return (args): ValidationOutcome => {
    if (!usable) return { ok: true, value: args };
    const checked = compiled.validate(args);
    if (checked.ok || !checked.message.startsWith(SCHEMA_INVALID)) return checked;
    usable = false;
    return { ok: true, value: args };
  };
}

function resourceEntry(
  source: EntrySource,
  descriptor: ResourceDescriptor,
  hooks: RegisterHooks,
  ownHints: boolean,
): ResourceEntry {
  const sharing = source.upstream.sharing;
  const read: ResourceEntry["read"] = async (uri, ctx) =>
    relayedHints(
      await relay(source, ctx, (session, options) => session.readResource(uri, options)),
      ctx,
      sharing,
    );
  const results = hooks.results;
  return {
    descriptor,
    read:
      ownHints || results === undefined
        ? read
        : results.wrapResource(source.id, descriptor.uri, undefined, read),
  };
}

function templateEntry(
  source: EntrySource,
  descriptor: ResourceTemplateDescriptor,
  hooks: RegisterHooks,
  ownHints: boolean,
): ResourceTemplateEntry {
  const sharing = source.upstream.sharing;
  const read: ResourceTemplateEntry["read"] = async (uri, _variables, ctx) =>
    relayedHints(
      await relay(source, ctx, (session, options) => session.readResource(uri, options)),
      ctx,
      sharing,
    );
  const results = hooks.results;
  return {
    descriptor,
    read: ownHints || results === undefined ? read : results.wrapTemplate(source.id, undefined, read),
  };
}

/**
 * A read result with the upstream's 2026-07-28 hints kept for modern callers (the server fills in
 * its own defaults only where the upstream gave none) and removed for legacy ones. A per-session
 * upstream may answer each session differently, so its results are never shared across callers.
 */
function relayedHints(
  result: ReadResourceResult,
  ctx: RequestContext,
  sharing: "shared" | "perSession",
): ReadResourceResult {
  const raw = result as ReadResourceResult & { ttlMs?: unknown; cacheScope?: unknown; resultType?: unknown };
  if (raw.ttlMs === undefined && raw.cacheScope === undefined && raw.resultType === undefined) return result;
  const { ttlMs, cacheScope, resultType: _resultType, ...rest } = raw;
  if (ctx.identity.era !== "modern") return rest;
  const hints: JsonObject = {};
  if (typeof ttlMs === "number" && ttlMs >= 0) hints.ttlMs = ttlMs;
  if (sharing === "perSession") hints.cacheScope = "private";
  else if (cacheScope === "public" || cacheScope === "private") hints.cacheScope = cacheScope;
  return { ...rest, ...hints } as ReadResourceResult;
}
