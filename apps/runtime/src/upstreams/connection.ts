/**
 * @module One session with an upstream: a link (process or HTTP session) under our `McpClient`.
 * It routes what the upstream sends during calls (log messages, elicitation and sampling
 * requests) to the calls in flight, turns local failures into `UpstreamError`s, and re-initializes
 * a remote session the server forgot, retrying the call once so the caller never notices.
 */
import {
  type CallToolResult,
  type ClientInputHandlers,
  ErrorCode,
  type GetPromptResult,
  type Implementation,
  type JsonObject,
  JsonRpcError,
  type JsonRpcMessage,
  type LoggingLevel,
  McpClient,
  ProtocolError,
  type ReadResourceResult,
  type RequestOptions,
  type ServerDescription,
} from "@mcp-runtime/protocol";
import type { Logger } from "../logger.js";
import { UpstreamError } from "./errors.js";
import type { Link, LinkFactory } from "./link.js";
import type { UpstreamCallOptions, UpstreamSession } from "./types.js";

export interface ConnectionOptions {
  upstream: string;
  clientInfo: Implementation;
  timeoutMs: number;
  /**
   * One downstream key owns this session (perSession): everything the upstream sends during calls
   * belongs to that key. Shared: only routed when a single call is in flight, else dropped or
   * refused, so one caller never sees another's messages.
   */
  exclusive: boolean;
  openLink: LinkFactory;
  /** "auto" probes with `server/discover` first; the supervisor passes what the first session found */
  era?: "auto" | "modern" | "legacy";
  logger: Logger;
  /** What the upstream notifies beyond progress and log messages (list_changed, resources/updated). */
  onNotification?(method: string, params: JsonObject): void;
  /** The link ended by itself (the process exited); not called after close(). */
  onDied?(detail: string): void;
}

type Call = UpstreamCallOptions;
type InputKind = keyof ClientInputHandlers;

// Pages one list may take before we stop believing the server's cursors.
const MAX_PAGES = 1_000;

export class Connection implements UpstreamSession {
  lastUsed = Date.now();
  private readonly options: ConnectionOptions;
  private readonly calls = new Set<Call>();
  private link: Link | undefined;
  private client: McpClient | undefined;
  private description: ServerDescription | undefined;
  private reopening: Promise<void> | undefined;
  private state: "new" | "open" | "dead" | "closed" = "new";
  private readonly expiredReason: string;

  constructor(options: ConnectionOptions) {
    this.options = options;
    this.expiredReason = `upstream "${options.upstream}" session expired`;
  }

  get server(): ServerDescription | undefined {
    return this.description;
  }

  /** Calls in flight: a busy session is never evicted. */
  get busy(): boolean {
    return this.calls.size > 0;
  }

  get alive(): boolean {
    return this.state === "open";
  }

  get pid(): number | undefined {
    return this.link?.pid;
  }

  async open(): Promise<ServerDescription> {
    const { client, link } = await this.connect();
    this.client = client;
    this.link = link;
    this.state = "open";
    return client.server as ServerDescription;
  }

  async callTool(name: string, args: JsonObject, options?: UpstreamCallOptions): Promise<CallToolResult> {
    return (await this.request(
      "tools/call",
      { name, arguments: args },
      options,
    )) as unknown as CallToolResult;
  }

  async readResource(uri: string, options?: UpstreamCallOptions): Promise<ReadResourceResult> {
    return (await this.request("resources/read", { uri }, options)) as unknown as ReadResourceResult;
  }

  async getPrompt(
    name: string,
    args: Record<string, string>,
    options?: UpstreamCallOptions,
  ): Promise<GetPromptResult> {
    return (await this.request(
      "prompts/get",
      { name, arguments: args },
      options,
    )) as unknown as GetPromptResult;
  }

  /** Liveness: `ping` in a session, `server/discover` for a stateless (2026-07-28) server. */
  async ping(timeoutMs: number): Promise<void> {
    const method = this.description?.era === "modern" ? "server/discover" : "ping";
    await this.send(method, {}, { timeoutMs });
  }

  /** Every page of a list (`tools/list` → `tools`). */
  async listAll<T>(method: string, field: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.send(method, cursor === undefined ? {} : { cursor }, {});
      const list = result[field];
      if (Array.isArray(list)) items.push(...(list as T[]));
      cursor = typeof result.nextCursor === "string" ? result.nextCursor : undefined;
      if (cursor === undefined) break;
    }
    return items;
  }

  /** One request in the negotiated era, with the call's progress, cancellation and input handlers. */
  async request(method: string, params: JsonObject, call: Call = {}): Promise<JsonObject> {
    const { upstream } = this.options;
    if (call.signal?.aborted)
      throw new UpstreamError("UPSTREAM_CANCELLED", upstream, `upstream "${upstream}": call cancelled`);
    // A record of its own: callers may reuse one options object for several calls.
    const record: Call = { ...call };
    this.calls.add(record);
    this.lastUsed = Date.now();
    try {
      return await this.send(method, params, record);
    } finally {
      this.calls.delete(record);
      this.lastUsed = Date.now();
    }
  }

  /**
   * Sends without counting as a call in flight (the supervisor's pings and lists must not make a
   * shared session's log messages and input requests look ambiguous).
   */
  private async send(method: string, params: JsonObject, call: Call): Promise<JsonObject> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.current();
      try {
        return await client.request(method, params, this.requestOptions(call));
      } catch (cause) {
        const error = this.translate(cause, method, call);
        if (error instanceof UpstreamError && error.code === "UPSTREAM_SESSION_EXPIRED" && attempt === 0) {
          await this.reopen(client);
          continue;
        }
        throw error;
      }
    }
  }

  async close(): Promise<void> {
    if (this.state === "closed") return;
    this.state = "closed";
    this.client?.close(`upstream "${this.options.upstream}" closed during the call`);
    await this.link?.close();
  }

  private async connect(): Promise<{ client: McpClient; link: Link }> {
    const { upstream, clientInfo, timeoutMs } = this.options;
    let link: Link | undefined;
    let closedEarly: string | undefined;
    const client: McpClient = new McpClient({
      info: clientInfo,
      send: (message) => link?.send(message),
      requestTimeoutMs: timeoutMs,
      era: this.options.era ?? "auto",
      inputHandlers: this.dispatch,
      onNotification: (method, params) => this.notified(method, params),
    });
    link = await this.options.openLink({
      message: (message) => client.receive(message),
      sendFailed: (message, error) => {
        if (!("id" in message)) return;
        // Fails that request inside the client, which owns the request/response matching.
        const failure: JsonRpcMessage = {
          jsonrpc: "2.0",
          id: message.id,
          error: { code: ErrorCode.InternalError, message: error.message, data: error },
        };
        client.receive(failure);
      },
      closed: (detail) => {
        closedEarly = detail;
        this.linkClosed(client, detail);
      },
    });
    try {
      if (closedEarly !== undefined) throw new Error(closedEarly);
      const description = await client.connect();
      if (description.era === "legacy") link.negotiated(description.protocolVersion);
      this.description = description;
      return { client, link };
    } catch (cause) {
      await link.close().catch(() => {});
      throw this.translate(cause, "initialize", {}, `upstream "${upstream}" could not connect`);
    }
  }

  private linkClosed(client: McpClient, detail: string): void {
    if (client !== this.client) {
      // A link still connecting (or one we replaced, whose calls already moved on).
      client.close(`upstream "${this.options.upstream}" ${detail} while connecting`);
      return;
    }
    client.close(`upstream "${this.options.upstream}" ${detail} during the call`);
    if (this.state !== "open") return;
    this.state = "dead";
    this.options.onDied?.(detail);
  }

  private async current(): Promise<McpClient> {
    if (this.reopening) await this.reopening;
    const { upstream } = this.options;
    if (this.state === "open" && this.client) return this.client;
    if (this.state === "closed")
      throw new UpstreamError("UPSTREAM_UNAVAILABLE", upstream, `upstream "${upstream}" session is closed`);
    throw new UpstreamError("UPSTREAM_EXITED", upstream, `upstream "${upstream}" is not connected`);
  }

  /** The server forgot our session: a new one replaces it, once, however many calls noticed. */
  private reopen(stale: McpClient): Promise<void> {
    if (this.client !== stale) return Promise.resolve();
    this.reopening ??= (async () => {
      const { upstream, logger } = this.options;
      logger.info({ msg: "upstream session expired, re-initializing", upstream });
      const old = this.link;
      try {
        const { client, link } = await this.connect();
        this.client = client;
        this.link = link;
      } finally {
        this.reopening = undefined;
      }
      stale.close(this.expiredReason);
      void old?.close().catch(() => {});
    })();
    return this.reopening;
  }

  private requestOptions(call: Call): RequestOptions {
    const options: RequestOptions = { timeoutMs: call.timeoutMs ?? this.options.timeoutMs };
    if (call.signal) options.signal = call.signal;
    const onProgress = call.onProgress;
    if (onProgress)
      options.onProgress = (params) =>
        onProgress(
          Number(params.progress),
          typeof params.total === "number" ? params.total : undefined,
          typeof params.message === "string" ? params.message : undefined,
        );
    // 2026-07-28 input rounds belong to exactly this call; a call without handlers cannot answer.
    if (this.description?.era === "modern") options.inputHandlers = call.input ?? {};
    return options;
  }

  private translate(cause: unknown, method: string, call: Call, prefix?: string): Error {
    const { upstream, timeoutMs } = this.options;
    if (cause instanceof JsonRpcError) return cause.data instanceof UpstreamError ? cause.data : cause;
    if (cause instanceof UpstreamError) return cause;
    if (cause instanceof ProtocolError) {
      if (call.signal?.aborted)
        return new UpstreamError("UPSTREAM_CANCELLED", upstream, `upstream "${upstream}": call cancelled`);
      if (cause.message === this.expiredReason)
        return new UpstreamError("UPSTREAM_SESSION_EXPIRED", upstream, cause.message);
      if (cause.code === "ERR_REQUEST_TIMEOUT")
        return new UpstreamError(
          "UPSTREAM_TIMEOUT",
          upstream,
          `upstream "${upstream}": ${method} timed out after ${call.timeoutMs ?? timeoutMs} ms`,
        );
      if (cause.code === "ERR_CONNECTION_CLOSED")
        return new UpstreamError("UPSTREAM_EXITED", upstream, cause.message);
    }
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new UpstreamError(
      "UPSTREAM_REQUEST_FAILED",
      upstream,
      prefix ? `${prefix}: ${detail}` : `upstream "${upstream}": ${detail}`,
      { cause },
    );
  }

  private notified(method: string, params: JsonObject): void {
    if (method === "notifications/progress") return; // McpClient gives it to the call it belongs to
    if (method !== "notifications/message") {
      this.options.onNotification?.(method, params);
      return;
    }
    const level = params.level as LoggingLevel;
    const logger = typeof params.logger === "string" ? params.logger : undefined;
    for (const call of this.routeTo((c) => c.onLog !== undefined)) call.onLog?.(level, params.data, logger);
  }

  /** The calls in flight that may see what the upstream sends now (see `exclusive`). */
  private routeTo(wants: (call: Call) => boolean): Call[] {
    const willing = [...this.calls].filter(wants);
    if (this.options.exclusive) return willing;
    return this.calls.size === 1 ? willing : [];
  }

  private pick<K extends InputKind>(kind: K, method: string): NonNullable<ClientInputHandlers[K]> {
    const willing = this.routeTo((call) => call.input?.[kind] !== undefined);
    const handler = willing.at(-1)?.input?.[kind];
    if (handler === undefined)
      throw new JsonRpcError(
        ErrorCode.MethodNotFound,
        `${method}: no caller of this upstream can answer it now (needs exactly one call in flight that can)`,
      );
    return handler as NonNullable<ClientInputHandlers[K]>;
  }

  // Session-era (legacy) server-to-client requests carry no link to the call that caused them.
  // Roots are not declared: servers such as server-filesystem would replace their configured
  // directories with whatever roots a downstream client happens to have.
  private readonly dispatch: ClientInputHandlers = {
    elicit: (params) => this.pick("elicit", "elicitation/create")(params),
    sample: (params) => this.pick("sample", "sampling/createMessage")(params),
  };
}
