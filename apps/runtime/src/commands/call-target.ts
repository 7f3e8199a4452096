/**
 * @module What `mcp-runtime call` calls a tool on: a runtime started in this process, or a served
 * one over Streamable HTTP (`call-remote.ts`). Both report failures as `CallTargetError`s, so the
 * command maps them to exit codes once.
 */
import type { CallToolResult } from "@mcp-runtime/protocol";
import { JsonRpcError } from "@mcp-runtime/protocol";
import { LocalRuntimeError } from "../local/errors.js";
import type { LocalRuntime } from "../local/local-runtime.js";

export type CallTargetErrorCode =
  /** the config is invalid (exit 1) */
  | "ERR_CALL_CONFIG"
  /** the runtime could not start, or the URL could not be reached (exit 3) */
  | "ERR_CALL_UNAVAILABLE"
  /** the server answered 401 (exit 3) */
  | "ERR_CALL_UNAUTHORIZED"
  /** no tool of that name (exit 1) */
  | "ERR_CALL_UNKNOWN_TOOL"
  /** no answer within --timeout-ms (exit 1) */
  | "ERR_CALL_TIMEOUT"
  /** any other protocol error (exit 1) */
  | "ERR_CALL_FAILED";

export class CallTargetError extends Error {
  override readonly name = "CallTargetError";
  readonly code: CallTargetErrorCode;
  constructor(code: CallTargetErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export interface CallTarget {
  listToolNames(): Promise<string[]>;
  callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number | undefined,
  ): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** "Unknown tool: x" is how both this runtime and the SDKs' servers refuse a tool they lack. */
export function isUnknownTool(code: number, message: string): boolean {
  return code === -32602 && /unknown tool/i.test(message);
}

export function localTarget(runtime: LocalRuntime): CallTarget {
  return {
    listToolNames: async () => (await runtime.listTools()).map((tool) => tool.name),
    async callTool(name, args, timeoutMs) {
      try {
        return await runtime.callTool(name, args, timeoutMs === undefined ? {} : { timeoutMs });
      } catch (cause) {
        throw fromLocal(cause);
      }
    },
    close: () => runtime.close(),
  };
}

function fromLocal(cause: unknown): unknown {
  if (cause instanceof JsonRpcError)
    return new CallTargetError(
      isUnknownTool(cause.code, cause.message) ? "ERR_CALL_UNKNOWN_TOOL" : "ERR_CALL_FAILED",
      cause.message,
      { cause },
    );
  if (cause instanceof LocalRuntimeError)
    return new CallTargetError(
      cause.code === "ERR_LOCAL_TIMEOUT" ? "ERR_CALL_TIMEOUT" : "ERR_CALL_FAILED",
      cause.message,
      {
        cause,
      },
    );
  return cause;
}
