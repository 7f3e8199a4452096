/**
 * @module Messages between the main thread and a plugin host (worker thread or child process).
 * Everything is plain data so one structured clone carries it (workers: postMessage; processes:
 * IPC with `serialization: "advanced"`). Calls and results travel in batches.
 */
import { InputRequiredSignal, JsonRpcError } from "@mcp-runtime/protocol/signals";

export type CallOp = "tool" | "resource" | "template" | "prompt" | "complete";

/** The per-call slice of HostCallContext that is data; absent fields are left out, not undefined. */
export interface CallMeta {
  progressToken?: string | number;
  subject?: string;
  protocolVersion: string;
  clientCapabilities: object;
}

export interface CallMessage {
  id: number;
  op: CallOp;
  /** op-specific positional arguments (name, input, uri, ...) */
  args: unknown[];
  /**
   * The call's meta, or the number of the meta this host was last told to remember: calls of one
   * session share it, and sending it once instead of per call halves the cost of a batch's clone.
   */
  meta: CallMeta | number | undefined;
  /** remember this call's meta under this number */
  remember?: number;
}

/** A failure that crosses the boundary; protocol signals are rebuilt as their own classes. */
export type WireError =
  | { kind: "input-required"; inputRequests: Record<string, unknown> }
  | { kind: "jsonrpc"; code: number; message: string; data?: unknown }
  | { kind: "error"; message: string };

export type Outcome = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

export interface PluginInit {
  modulePath: string;
  config: Record<string, unknown>;
  fsRoots: string[];
  netAllow: string[];
}

export type ToHost =
  | { t: "init"; init: PluginInit }
  | { t: "calls"; calls: CallMessage[] }
  | { t: "abort"; id: number }
  | { t: "answer"; ask: number; outcome: Outcome }
  /** the answer to `exiting`: every call meant for this host has been sent; it may exit now */
  | { t: "release" };

export type AskOp = "elicit" | "sample" | "listRoots";

export type FromHost =
  | { t: "ready" }
  | { t: "init-failed"; message: string }
  | { t: "results"; results: Outcome[] }
  /**
   * The plugin called `process.exit`: the host stops starting calls and hands back the ones whose
   * handlers never ran (safe to run elsewhere: at most once), then waits for `release`.
   */
  | { t: "exiting"; unstarted: number[] }
  | { t: "progress"; id: number; progress: number; total?: number; message?: string }
  | { t: "log"; id: number; level: string; message: string; data?: unknown }
  | { t: "notify"; id: number; kind: "listChanged" | "resourceUpdated"; arg: string }
  | { t: "ask"; id: number; ask: number; op: AskOp; args: unknown[] };

export function toWireError(cause: unknown): WireError {
  if (cause instanceof InputRequiredSignal)
    return { kind: "input-required", inputRequests: cause.inputRequests as Record<string, unknown> };
  if (cause instanceof JsonRpcError) {
    const out: WireError = { kind: "jsonrpc", code: cause.code, message: cause.message };
    if (cause.data !== undefined) out.data = cause.data;
    return out;
  }
  // Only the message crosses: stacks stay on the side that threw (and in its logs).
  return { kind: "error", message: cause instanceof Error && cause.message ? cause.message : String(cause) };
}

export function fromWireError(error: WireError): Error {
  switch (error.kind) {
    case "input-required":
      return new InputRequiredSignal(
        error.inputRequests as ConstructorParameters<typeof InputRequiredSignal>[0],
      );
    case "jsonrpc":
      return new JsonRpcError(error.code, error.message, error.data);
    default:
      return new Error(error.message);
  }
}
