/**
 * @module The executor contract, structurally identical to apps/runtime's `Executor`/`PluginHost`,
 * defined here so the sandbox depends on no app. `SandboxPlugin` is the part of the runtime's
 * `ResolvedPlugin` the sandbox reads; a `ResolvedPlugin` is assignable to it.
 */
import type { Plugin } from "@mcp-runtime/plugin-sdk";
import type { HostCallContext, PluginManifest } from "@mcp-runtime/plugin-sdk/host";
import type { CallToolResult, GetPromptResult, JsonObject, ReadResourceResult } from "@mcp-runtime/protocol";

export type InputCheck = { ok: true; value: JsonObject } | { ok: false; message: string };

export type CompletionRef = { kind: "prompt"; name: string } | { kind: "template"; key: string };

export interface Completion {
  values: string[];
  total?: number;
  hasMore?: boolean;
}

export interface PluginPermissions {
  fs: { read: string[]; write: string[] };
  net: string[];
  env: string[];
}

export interface SandboxSettings {
  mode: "worker" | "process";
  timeoutMs: number;
  maxMemoryMb: number;
  poolSize: number;
  fs: { read: string[]; write: string[] };
  net: { allow: string[] };
  env: string[];
}

export interface SandboxPlugin {
  id: string;
  /** absolute path of the plugin module; the worker imports it */
  modulePath: string;
  /** the plugin's definition, imported on the main thread to read its schemas (validation only) */
  plugin: Plugin;
  entry: { sandbox: SandboxSettings };
  permissions: PluginPermissions;
  config: Record<string, unknown>;
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
  /** Calls accepted and not yet settled (a reload waits for 0 before it closes a replaced host). */
  readonly inFlight: number;
  /** Stops the host; calls still in flight fail. */
  close(): Promise<void>;
}

export type BreakerState = "closed" | "open" | "half-open";

/** What `/readyz` and logs show per plugin. */
export interface PoolHealth {
  plugin: string;
  mode: "worker" | "process";
  breaker: BreakerState;
  workers: number;
  ready: number;
  crashes: number;
  restarts: number;
}
