/** @module A hand-built HostCallContext that records what a fixture sends and answers its questions. */
import type { HostCallContext } from "@mcp-runtime/plugin-sdk/host";

type LogLevel = Parameters<HostCallContext["log"]>[0];

export interface Ask {
  method: "elicitation/create" | "sampling/createMessage" | "roots/list";
  key: string | undefined;
  params: unknown;
}

export interface RecordingHost {
  ctx: HostCallContext;
  asks: Ask[];
  logs: { level: LogLevel; message: string; data: unknown }[];
  progress: { progress: number; total: number | undefined; message: string | undefined }[];
  listChanged: string[];
}

export const ALL_CAPABILITIES = { sampling: {}, elicitation: {}, roots: { listChanged: true } };

/**
 * `answers` maps an input key to the client's answer, like `inputResponses` on a 2026-07-28 retry;
 * `unkeyed` answers questions asked without a key. A question without an answer rejects (as the
 * runtime unwinds a handler), so a test sees exactly which keys one round asks for.
 */
export function recordingHost(
  options: {
    answers?: Record<string, unknown>;
    unkeyed?: unknown;
    capabilities?: HostCallContext["clientCapabilities"];
    protocolVersion?: string;
    progressToken?: string | number;
  } = {},
): RecordingHost {
  const answers = options.answers ?? {};
  const asks: Ask[] = [];
  const logs: RecordingHost["logs"] = [];
  const progress: RecordingHost["progress"] = [];
  const listChanged: string[] = [];
  function ask<T>(method: Ask["method"], key: string | undefined, params: unknown): Promise<T> {
    asks.push({ method, key, params });
    const answer = key === undefined ? options.unkeyed : answers[key];
    return answer === undefined
      ? Promise.reject(new Error(`unanswered: ${String(key)}`))
      : Promise.resolve(answer as T);
  }
  const ctx: HostCallContext = {
    signal: new AbortController().signal,
    progressToken: options.progressToken,
    subject: undefined,
    protocolVersion: options.protocolVersion ?? "2026-07-28",
    clientCapabilities: options.capabilities ?? ALL_CAPABILITIES,
    progress: (value, total, message) => progress.push({ progress: value, total, message }),
    log: (level, message, data) => logs.push({ level, message, data }),
    elicit: (params, opts) => ask("elicitation/create", opts?.key, params),
    sample: (params, opts) => ask("sampling/createMessage", opts?.key, params),
    listRoots: (opts) => ask("roots/list", opts?.key, {}),
    notify: { listChanged: (kind) => listChanged.push(kind), resourceUpdated: () => {} },
  };
  return { ctx, asks, logs, progress, listChanged };
}

/** The canned answers the conformance harness sends. */
export function accepted(content: Record<string, unknown>) {
  return { action: "accept", content };
}
export function sampled(text: string) {
  return { role: "assistant", content: { type: "text", text }, model: "test-model", stopReason: "endTurn" };
}
export const testRoots = { roots: [{ uri: "file:///test/root", name: "Test Root" }] };

/** The text of the only content block of a tool result. */
export function onlyText(result: { content: unknown[] }): string {
  const [block, ...rest] = result.content;
  if (rest.length > 0 || typeof block !== "object" || block === null || !("text" in block))
    throw new Error(`expected one text block, got ${JSON.stringify(result.content)}`);
  return String(block.text);
}
