/**
 * @module Runs one task's tool call wherever the job lands (the runtime's own worker or an
 * `mcp-runtime worker` process). Input works as in multi round-trip requests: the handler unwinds
 * with `InputRequiredSignal`, the task shows `input_required` with the outstanding requests, and once
 * `tasks/update` has answered them all the handler runs again from the start with every answer.
 */
import type { Catalog } from "./catalog.js";
import { ErrorCode, JsonRpcError } from "./errors.js";
import type { JsonRpcMessage } from "./jsonrpc.js";
import { type InputRequest, InputRequiredSignal, RequestContext } from "./request-context.js";
import type { TaskCall } from "./tasks.js";
import type { JsonObject } from "./types.js";

/** How the task talks to its job: progress records and the mailbox `tasks/update` writes to. */
export interface TaskJobPort {
  readonly signal: AbortSignal;
  progress(data: Record<string, unknown>): Promise<void>;
  receive(): Promise<Record<string, unknown>[]>;
}

export type TaskOutcome =
  | { kind: "result"; result: JsonObject }
  | { kind: "error"; error: { code: number; message: string; data?: unknown } };

const NO_CLIENT = {
  // A task runs detached from the session that created it.
  id: undefined,
  requestClient: () =>
    Promise.reject(new JsonRpcError(ErrorCode.InternalError, "no client connection in a task")),
};

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export async function runToolTask(catalog: Catalog, call: TaskCall, port: TaskJobPort): Promise<TaskOutcome> {
  const entry = catalog.tool(call.tool);
  if (!entry)
    return { kind: "error", error: { code: ErrorCode.InvalidParams, message: `Unknown tool: ${call.tool}` } };
  const answers: Record<string, JsonObject> = { ...call.inputResponses };
  // Progress becomes the task's statusMessage: tasks carry no notifications/progress (SEP-2663).
  const channel = {
    send(message: JsonRpcMessage) {
      if (!("method" in message) || message.method !== "notifications/progress" || !message.params) return;
      const {
        progress,
        total,
        message: text,
      } = message.params as { progress: number; total?: number; message?: string };
      const statusMessage =
        text ?? (total === undefined ? `progress ${progress}` : `progress ${progress}/${total}`);
      void port.progress({
        status: "working",
        statusMessage,
        progress,
        ...(total === undefined ? {} : { total }),
      });
    },
  };
  for (;;) {
    const ctx = new RequestContext({
      requestId: `task:${call.tool}`,
      method: "tools/call",
      identity: {
        era: "modern",
        protocolVersion: call.protocolVersion,
        clientCapabilities: call.clientCapabilities,
        clientInfo: undefined,
        subject: call.owner.startsWith("sub:") ? call.owner.slice(4) : undefined,
      },
      progressToken: "task",
      logLevel: undefined,
      host: NO_CLIENT,
      channel,
      inputResponses: answers,
    });
    const onAbort = () => ctx.cancel("task cancelled");
    if (port.signal.aborted) onAbort();
    port.signal.addEventListener("abort", onAbort, { once: true });
    try {
      return { kind: "result", result: (await entry.call(call.arguments, ctx)) as unknown as JsonObject };
    } catch (cause) {
      if (cause instanceof JsonRpcError)
        return { kind: "error", error: { code: cause.code, message: cause.message, data: cause.data } };
      if (!(cause instanceof InputRequiredSignal)) throw cause;
      const pending: Record<string, InputRequest> = {};
      for (const [key, request] of Object.entries(ctx.takePendingInputs() ?? cause.inputRequests)) {
        if (answers[key] === undefined) pending[key] = request;
      }
      await waitForAnswers(pending, answers, port);
      if (port.signal.aborted) throw port.signal.reason ?? new Error("cancelled");
      await port.progress({ status: "working" });
    } finally {
      port.signal.removeEventListener("abort", onAbort);
    }
  }
}

/** Parks the task in input_required until every outstanding key is answered (partial updates allowed). */
async function waitForAnswers(
  pending: Record<string, InputRequest>,
  answers: Record<string, JsonObject>,
  port: TaskJobPort,
): Promise<void> {
  let publish = true;
  while (Object.keys(pending).length > 0 && !port.signal.aborted) {
    if (publish) await port.progress({ status: "input_required", inputRequests: pending });
    publish = false;
    for (const message of await port.receive()) {
      const responses = message.inputResponses;
      if (!isObject(responses)) continue;
      for (const [key, value] of Object.entries(responses)) {
        // Keys that are not outstanding are ignored (spec: tasks/update).
        if (pending[key] === undefined || !isObject(value)) continue;
        answers[key] = value;
        delete pending[key];
        publish = true;
      }
    }
  }
}
