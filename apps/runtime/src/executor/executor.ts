/**
 * @module The executor contract: how the runtime runs plugin code. The in-process executor
 * implements it today; the sandbox (worker threads, child processes) implements the same
 * interface, so nothing above this line changes when plugins move out of the main thread.
 */

import type { HostCallContext, PluginManifest } from "@mcp-runtime/plugin-sdk/host";
import type { CallToolResult, GetPromptResult, JsonObject, ReadResourceResult } from "@mcp-runtime/protocol";
import type { ResolvedPlugin } from "../plugins/resolve.js";

export type InputCheck = { ok: true; value: JsonObject } | { ok: false; message: string };

export type CompletionRef = { kind: "prompt"; name: string } | { kind: "template"; key: string };

export interface Completion {
  values: string[];
  total?: number;
  hasMore?: boolean;
}

/** One loaded plugin, wherever it runs. */
export interface PluginHost {
  readonly id: string;
  readonly manifest: PluginManifest;
  validateToolInput(tool: string, args: JsonObject): InputCheck;
  callTool(tool: string, input: JsonObject, call: HostCallContext): Promise<CallToolResult>;
  readResource(uri: string, call: HostCallContext): Promise<ReadResourceResult | undefined>;
  readTemplate(
    key: string,
    uri: string,
    variables: Record<string, string | string[]>,
    call: HostCallContext,
  ): Promise<ReadResourceResult | undefined>;
  getPrompt(name: string, args: Record<string, string>, call: HostCallContext): Promise<GetPromptResult>;
  complete(
    ref: CompletionRef,
    argument: string,
    value: string,
    context: Record<string, string>,
  ): Promise<Completion>;
  close(): Promise<void>;
}

export interface Executor {
  readonly kind: string;
  load(plugin: ResolvedPlugin): Promise<PluginHost>;
  close(): Promise<void>;
}
