/**
 * @module A minimal MCP client over Streamable HTTP (2025-11-25 sessions) on `fetch`, enough to
 * replay tool calls: initialize (accepting whatever version the server negotiates), the
 * initialized notification, `tools/call` with `Mcp-Session-Id` and `MCP-Protocol-Version`, answers
 * as `application/json` or `text/event-stream` (the response with the request's id is taken;
 * notifications and server requests on the stream are ignored), and DELETE of the session.
 */
import { sseData } from "./sse.js";

export const REPLAY_PROTOCOL_VERSION = "2025-11-25";

/** What one replayed call came back as. */
export type ReplayOutcome =
  | { kind: "result"; result: Record<string, unknown> }
  | { kind: "rpc-error"; code: number; message: string }
  /** no JSON-RPC answer: network failure, timeout, HTTP error status, unreadable body */
  | { kind: "failure"; message: string };

export interface McpHttpClientOptions {
  url: string;
  /** sent as `Authorization: Bearer ...` */
  token?: string;
  /** per request, body included */
  timeoutMs: number;
  clientVersion: string;
}

export class ReplayTargetError extends Error {
  readonly code = "target_unreachable";
  override readonly name = "ReplayTargetError";
}

interface JsonRpcResponse {
  id: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown };
}

export class McpHttpSession {
  #nextId = 1;
  private constructor(
    private readonly options: McpHttpClientOptions,
    readonly protocolVersion: string,
    readonly sessionId: string | undefined,
  ) {}

  /** Initializes a session; throws ReplayTargetError when the server does not complete it. */
  static async open(options: McpHttpClientOptions): Promise<McpHttpSession> {
    const bare = new McpHttpSession(options, REPLAY_PROTOCOL_VERSION, undefined);
    const { outcome, headers } = await bare.#request(0, "initialize", {
      protocolVersion: REPLAY_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "mcp-sidecar-replay", version: options.clientVersion },
    });
    if (outcome.kind !== "result")
      throw new ReplayTargetError(
        `initialize failed: ${outcome.kind === "failure" ? outcome.message : `JSON-RPC error ${outcome.code}: ${outcome.message}`}`,
      );
    const version = outcome.result.protocolVersion;
    const session = new McpHttpSession(
      options,
      typeof version === "string" ? version : REPLAY_PROTOCOL_VERSION,
      headers?.get("mcp-session-id") ?? undefined,
    );
    const initialized = await session.#send({ jsonrpc: "2.0", method: "notifications/initialized" });
    if (!initialized.ok)
      throw new ReplayTargetError(`notifications/initialized failed: HTTP ${initialized.status}`);
    await initialized.body?.cancel();
    return session;
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<ReplayOutcome> {
    return (await this.#request(this.#nextId++, "tools/call", { name, arguments: args })).outcome;
  }

  /** Ends the session (DELETE); a server that does not allow it (405) or is gone is not an error here. */
  async close(): Promise<void> {
    if (this.sessionId === undefined) return;
    try {
      const response = await fetch(this.options.url, {
        method: "DELETE",
        headers: this.#headers(),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.body?.cancel();
    } catch {
      // best effort: the server expires idle sessions anyway
    }
  }

  #headers(): Record<string, string> {
    return {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(this.options.token === undefined ? {} : { authorization: `Bearer ${this.options.token}` }),
      ...(this.sessionId === undefined
        ? {}
        : { "mcp-session-id": this.sessionId, "mcp-protocol-version": this.protocolVersion }),
    };
  }

  #send(message: unknown, signal = AbortSignal.timeout(this.options.timeoutMs)): Promise<Response> {
    return fetch(this.options.url, {
      method: "POST",
      headers: this.#headers(),
      body: JSON.stringify(message),
      signal,
    });
  }

  async #request(
    id: number,
    method: string,
    params: Record<string, unknown>,
  ): Promise<{ outcome: ReplayOutcome; headers?: Headers }> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await this.#send({ jsonrpc: "2.0", id, method, params }, signal);
      const answer = await findResponse(response, id);
      if (answer !== undefined && (response.ok || answer.id === id))
        return { outcome: toOutcome(answer), headers: response.headers };
      if (!response.ok) {
        const detail = typeof answer?.error?.message === "string" ? `: ${answer.error.message}` : "";
        return { outcome: { kind: "failure", message: `HTTP ${response.status}${detail}` } };
      }
      return { outcome: { kind: "failure", message: `no response with id ${id} in the answer` } };
    } catch (error) {
      const name = (error as Error).name;
      const message =
        name === "TimeoutError" || signal.aborted
          ? `timed out after ${this.options.timeoutMs} ms`
          : (error as Error).message;
      return { outcome: { kind: "failure", message } };
    }
  }
}

/** The JSON-RPC response with `id` (or, on an HTTP error, the error body whatever its id). */
async function findResponse(response: Response, id: number): Promise<JsonRpcResponse | undefined> {
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("text/event-stream") && response.body !== null) {
    for await (const data of sseData(response.body)) {
      const message = parseJson(data);
      if (isResponse(message) && message.id === id) {
        await response.body.cancel().catch(() => undefined);
        return message;
      }
    }
    return undefined;
  }
  const body = parseJson(await response.text());
  const messages = Array.isArray(body) ? body : [body];
  const matching = messages.find((message) => isResponse(message) && message.id === id);
  if (matching !== undefined) return matching as JsonRpcResponse;
  return !response.ok && isResponse(body) ? body : undefined;
}

function toOutcome(answer: JsonRpcResponse): ReplayOutcome {
  if (answer.error !== undefined) {
    const code = typeof answer.error.code === "number" ? answer.error.code : 0;
    const message = typeof answer.error.message === "string" ? answer.error.message : "";
    return { kind: "rpc-error", code, message };
  }
  if (typeof answer.result !== "object" || answer.result === null || Array.isArray(answer.result))
    return { kind: "failure", message: "the result is not an object" };
  return { kind: "result", result: answer.result as Record<string, unknown> };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isResponse(value: unknown): value is JsonRpcResponse {
  return (
    typeof value === "object" && value !== null && "id" in value && ("result" in value || "error" in value)
  );
}
