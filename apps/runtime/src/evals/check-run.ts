/**
 * @module One eval check run through the runtime's own protocol path: a 2026-07-28 `tools/call`
 * handled by a server session, exactly as a stateless client's request is (admission, routing,
 * sandbox, observer), bounded by the check's timeout.
 */
import type { EvalCheck } from "@mcp-runtime/config";
import {
  type JsonObject,
  type JsonRpcResponse,
  MetaKey,
  MODERN_PROTOCOL_VERSION,
  type ServerSession,
} from "@mcp-runtime/protocol";
import { RUNTIME_VERSION } from "../version.js";
import type { Expectation } from "./expectation.js";

/** A check with its expectation compiled (once per config). */
export interface CompiledCheck {
  readonly check: EvalCheck;
  readonly expectation: Expectation;
}

export interface CheckOutcome {
  status: "pass" | "fail";
  reason?: string;
  durationMs: number;
}

// What a modern request carries in place of a session; the eval client asks for no capability.
const EVAL_META: JsonObject = {
  [MetaKey.protocolVersion]: MODERN_PROTOCOL_VERSION,
  [MetaKey.clientCapabilities]: {},
  [MetaKey.clientInfo]: { name: "mcp-runtime-evals", version: RUNTIME_VERSION },
};

export async function runCheck(
  session: ServerSession,
  id: string,
  { check, expectation }: CompiledCheck,
  timeoutMs: number,
): Promise<CheckOutcome> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const call = session.handle({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: check.tool, arguments: check.arguments as JsonObject, _meta: EVAL_META },
  });
  let response: JsonRpcResponse | undefined | "timeout";
  try {
    response = await Promise.race([call, timedOut]);
  } finally {
    clearTimeout(timer);
  }
  const durationMs = Math.round((performance.now() - started) * 1e3) / 1e3;
  if (response === "timeout") {
    // The call is cancelled like a client's would be, so its sandbox work stops too.
    void session.handle({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: id, reason: "eval timed out" },
    });
    return { status: "fail", reason: `timed out after ${timeoutMs} ms`, durationMs };
  }
  if (response === undefined) return { status: "fail", reason: "the call was cancelled", durationMs };
  if ("error" in response) return { status: "fail", reason: response.error.message, durationMs };
  if (response.result.resultType === "input_required")
    return { status: "fail", reason: "the tool asked for input (input_required)", durationMs };
  const reason = expectation(response.result);
  return reason === undefined ? { status: "pass", durationMs } : { status: "fail", reason, durationMs };
}
