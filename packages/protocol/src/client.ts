/**
 * @module The client role, used to host other MCP servers behind the runtime and in tests. It
 * speaks 2026-07-28 when the server does (found by `server/discover`) and falls back to an
 * `initialize` session otherwise. Transport-agnostic: give it `send`, feed it with `receive`.
 */
import { ErrorCode, JsonRpcError, ProtocolError } from "./errors.js";
import { isRequest, type JsonRpcId, type JsonRpcMessage, type JsonRpcResponse } from "./jsonrpc.js";
import type {
  CallToolResult,
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  GetPromptResult,
  Implementation,
  JsonObject,
  ListRootsResult,
  ReadResourceResult,
  ServerCapabilities,
  ToolDescriptor,
} from "./types.js";
import { LATEST_LEGACY_PROTOCOL_VERSION, MetaKey, MODERN_PROTOCOL_VERSION } from "./versions.js";

export interface ClientInputHandlers {
  elicit?(params: ElicitRequestParams): Promise<ElicitResult>;
  sample?(params: CreateMessageRequestParams): Promise<CreateMessageResult>;
  listRoots?(): Promise<ListRootsResult>;
}

export interface McpClientOptions {
  info: Implementation;
  send(message: JsonRpcMessage): void;
  /** "auto" tries server/discover, then initialize. */
  era?: "auto" | "modern" | "legacy";
  requestTimeoutMs?: number;
  inputHandlers?: ClientInputHandlers;
  onNotification?(method: string, params: JsonObject): void;
  /** Rounds of input_required a single call may go through before giving up. */
  maxInputRounds?: number;
}

export interface ServerDescription {
  era: "modern" | "legacy";
  protocolVersion: string;
  capabilities: ServerCapabilities;
  serverInfo: Implementation | undefined;
  instructions: string | undefined;
}

interface Pending {
  resolve(result: JsonObject): void;
  reject(error: Error): void;
  onProgress: ((params: JsonObject) => void) | undefined;
  timer: ReturnType<typeof setTimeout>;
}

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?(params: JsonObject): void;
  /**
   * Answers this request's 2026-07-28 `input_required` rounds instead of the client-wide handlers
   * (a client shared by several callers routes each round to the caller that asked). The
   * capabilities declared stay those of the client-wide handlers.
   */
  inputHandlers?: ClientInputHandlers;
}

export class McpClient {
  private readonly options: McpClientOptions;
  private readonly pending = new Map<JsonRpcId, Pending>();
  private readonly capabilities: ClientCapabilities;
  private nextId = 0;
  private description: ServerDescription | undefined;
  private closed = false;

  constructor(options: McpClientOptions) {
    this.options = options;
    const handlers = options.inputHandlers ?? {};
    const capabilities: ClientCapabilities = {};
    if (handlers.elicit) capabilities.elicitation = {};
    if (handlers.sample) capabilities.sampling = {};
    if (handlers.listRoots) capabilities.roots = {};
    this.capabilities = capabilities;
  }

  get server(): ServerDescription | undefined {
    return this.description;
  }

  async connect(): Promise<ServerDescription> {
    const era = this.options.era ?? "auto";
    if (era !== "legacy") {
      try {
        const result = await this.rawRequest("server/discover", { _meta: this.modernMeta() });
        const versions = Array.isArray(result.supportedVersions) ? result.supportedVersions : [];
        if (versions.includes(MODERN_PROTOCOL_VERSION)) {
          const meta = (result._meta ?? {}) as JsonObject;
          this.description = {
            era: "modern",
            protocolVersion: MODERN_PROTOCOL_VERSION,
            capabilities: (result.capabilities ?? {}) as ServerCapabilities,
            serverInfo: meta[MetaKey.serverInfo] as Implementation | undefined,
            instructions: result.instructions as string | undefined,
          };
          return this.description;
        }
      } catch (cause) {
        if (era === "modern") throw cause;
      }
    }
    const result = await this.rawRequest("initialize", {
      protocolVersion: LATEST_LEGACY_PROTOCOL_VERSION,
      capabilities: this.capabilities,
      clientInfo: this.options.info,
    });
    this.options.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    this.description = {
      era: "legacy",
      protocolVersion: String(result.protocolVersion),
      capabilities: (result.capabilities ?? {}) as ServerCapabilities,
      serverInfo: result.serverInfo as Implementation | undefined,
      instructions: result.instructions as string | undefined,
    };
    return this.description;
  }

  /** Sends a request in the negotiated era, answering input_required rounds with the handlers. */
  async request(method: string, params: JsonObject = {}, options: RequestOptions = {}): Promise<JsonObject> {
    const description = this.description;
    if (!description) throw new ProtocolError("ERR_NOT_CONNECTED", "call connect() first");
    if (description.era === "legacy") return this.rawRequest(method, params, options);
    let current: JsonObject = {
      ...params,
      _meta: { ...((params._meta as JsonObject) ?? {}), ...this.modernMeta() },
    };
    const rounds = this.options.maxInputRounds ?? 8;
    for (let round = 0; ; round++) {
      const result = await this.rawRequest(method, current, options);
      if (result.resultType !== "input_required") return result;
      if (round >= rounds)
        throw new ProtocolError("ERR_INPUT_REQUIRED", `server asked for input more than ${rounds} times`);
      const requests = (result.inputRequests ?? {}) as Record<
        string,
        { method: string; params?: JsonObject }
      >;
      const responses: JsonObject = {};
      for (const [key, input] of Object.entries(requests))
        responses[key] = await this.answer(input.method, input.params ?? {}, options.inputHandlers);
      current = { ...params, _meta: current._meta, inputResponses: responses };
      if (typeof result.requestState === "string") current.requestState = result.requestState;
    }
  }

  notify(method: string, params?: JsonObject): void {
    this.options.send(params === undefined ? { jsonrpc: "2.0", method } : { jsonrpc: "2.0", method, params });
  }

  async listTools(): Promise<ToolDescriptor[]> {
    const tools: ToolDescriptor[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.request("tools/list", cursor === undefined ? {} : { cursor });
      tools.push(...((page.tools ?? []) as ToolDescriptor[]));
      cursor = typeof page.nextCursor === "string" ? page.nextCursor : undefined;
    } while (cursor !== undefined);
    return tools;
  }

  async callTool(name: string, args: JsonObject = {}, options?: RequestOptions): Promise<CallToolResult> {
    return (await this.request(
      "tools/call",
      { name, arguments: args },
      options,
    )) as unknown as CallToolResult;
  }

  async readResource(uri: string, options?: RequestOptions): Promise<ReadResourceResult> {
    return (await this.request("resources/read", { uri }, options)) as unknown as ReadResourceResult;
  }

  async getPrompt(
    name: string,
    args: Record<string, string> = {},
    options?: RequestOptions,
  ): Promise<GetPromptResult> {
    return (await this.request(
      "prompts/get",
      { name, arguments: args },
      options,
    )) as unknown as GetPromptResult;
  }

  /** Feed every message the transport receives. */
  receive(message: JsonRpcMessage): void {
    if (isRequest(message)) {
      void this.serveRequest(message.id, message.method, message.params ?? {});
      return;
    }
    if ("method" in message) {
      const params = message.params ?? {};
      if (message.method === "notifications/progress") {
        // rawRequest uses the request id as the progress token: deliver to that request only.
        const token = params.progressToken;
        if (typeof token === "string" || typeof token === "number")
          this.pending.get(token)?.onProgress?.(params);
      }
      this.options.onNotification?.(message.method, params);
      return;
    }
    this.settle(message);
  }

  close(reason = "client closed"): void {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new ProtocolError("ERR_CONNECTION_CLOSED", reason));
    }
    this.pending.clear();
  }

  private modernMeta(): JsonObject {
    return {
      [MetaKey.protocolVersion]: MODERN_PROTOCOL_VERSION,
      [MetaKey.clientCapabilities]: this.capabilities,
      [MetaKey.clientInfo]: this.options.info,
    };
  }

  private rawRequest(method: string, params: JsonObject, options: RequestOptions = {}): Promise<JsonObject> {
    if (this.closed) return Promise.reject(new ProtocolError("ERR_CONNECTION_CLOSED", "client is closed"));
    const id = ++this.nextId;
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? 60_000;
    let body = params;
    if (options.onProgress)
      body = { ...params, _meta: { ...((params._meta as JsonObject) ?? {}), progressToken: id } };
    return new Promise<JsonObject>((resolve, reject) => {
      const onAbort = () => {
        this.finish(id);
        this.notify("notifications/cancelled", { requestId: id, reason: "aborted" });
        reject(new ProtocolError("ERR_CONNECTION_CLOSED", "request aborted"));
      };
      const timer = setTimeout(() => {
        this.finish(id);
        this.notify("notifications/cancelled", { requestId: id, reason: "timeout" });
        reject(new ProtocolError("ERR_REQUEST_TIMEOUT", `${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        timer,
        onProgress: options.onProgress,
        resolve: (result) => {
          options.signal?.removeEventListener("abort", onAbort);
          resolve(result);
        },
        reject: (error) => {
          options.signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      this.options.send({ jsonrpc: "2.0", id, method, params: body });
    });
  }

  private finish(id: JsonRpcId): void {
    const pending = this.pending.get(id);
    if (pending) clearTimeout(pending.timer);
    this.pending.delete(id);
  }

  private settle(response: JsonRpcResponse): void {
    if (response.id === null) return;
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.finish(response.id);
    if ("result" in response) pending.resolve(response.result);
    else pending.reject(new JsonRpcError(response.error.code, response.error.message, response.error.data));
  }

  private async answer(
    method: string,
    params: JsonObject,
    handlers: ClientInputHandlers = this.options.inputHandlers ?? {},
  ): Promise<JsonObject> {
    switch (method) {
      case "elicitation/create":
        if (handlers.elicit) return (await handlers.elicit(params as ElicitRequestParams)) as JsonObject;
        break;
      case "sampling/createMessage":
        if (handlers.sample)
          return (await handlers.sample(params as CreateMessageRequestParams)) as JsonObject;
        break;
      case "roots/list":
        if (handlers.listRoots) return (await handlers.listRoots()) as JsonObject;
        break;
      case "ping":
        return {};
    }
    throw new JsonRpcError(ErrorCode.MethodNotFound, `Method not found: ${method}`);
  }

  private async serveRequest(id: JsonRpcId, method: string, params: JsonObject): Promise<void> {
    try {
      const result = await this.answer(method, params);
      this.options.send({ jsonrpc: "2.0", id, result });
    } catch (cause) {
      const error =
        cause instanceof JsonRpcError
          ? { code: cause.code, message: cause.message }
          : { code: ErrorCode.InternalError, message: "Internal error" };
      this.options.send({ jsonrpc: "2.0", id, error });
    }
  }
}
