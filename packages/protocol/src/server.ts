/**
 * @module The server role: one `McpServer` per process (catalogue, identity, options), one
 * `ServerSession` per connection or legacy session. Requests of both eras are dispatched through
 * one method table built at construction.
 */
import type { Catalog, CatalogKind } from "./catalog.js";
import { claimsModernEra, type ModernEnvelope, readModernEnvelope } from "./envelope.js";
import { ErrorCode, JsonRpcError, ProtocolError } from "./errors.js";
import {
  type DecodedFrame,
  failure,
  isRequest,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  success,
  toFailure,
} from "./jsonrpc.js";
import {
  type ContextHost,
  InputRequiredSignal,
  type RequestChannel,
  RequestContext,
  type RequestIdentity,
} from "./request-context.js";
import { RequestStateCodec } from "./request-state.js";
import { handlers } from "./server-methods.js";
import type {
  HandlerServer,
  HandlerSession,
  MethodHandler,
  ServerLogger,
  ToolAdmission,
} from "./server-types.js";
import { LEGACY_TASKS_CAPABILITY, LEGACY_TASKS_VERSION } from "./task-constants.js";
import {
  declaresTasks,
  missingTasksCapability,
  TASKS_EXTENSION,
  type TaskBackend,
  type TaskView,
  taskOwner,
} from "./tasks.js";
import type {
  ClientCapabilities,
  Implementation,
  JsonObject,
  LoggingLevel,
  ServerCapabilities,
} from "./types.js";
import { LOGGING_LEVELS } from "./types.js";
import {
  allowsBatches,
  LATEST_LEGACY_PROTOCOL_VERSION,
  LEGACY_PROTOCOL_VERSIONS,
  MetaKey,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "./versions.js";

export interface CacheHints {
  ttlMs: number;
  cacheScope: "public" | "private";
}

export interface McpServerOptions {
  info: Implementation;
  catalog: Catalog;
  instructions?: string;
  /** HMAC key for 2026-07-28 `requestState`; share it across nodes behind one load balancer. */
  requestStateSecret?: Uint8Array | string;
  /** Caching hints for list/read/discover results in 2026-07-28 (default 60 s, public). */
  cacheHints?: CacheHints;
  /** How long a legacy server-to-client request (elicitation, sampling) may wait. Default 10 min. */
  clientRequestTimeoutMs?: number;
  logger?: ServerLogger;
  /** Extra capability entries (e.g. extensions) merged into what the catalogue implies. */
  capabilities?: ServerCapabilities;
  /** Enables the io.modelcontextprotocol/tasks extension, backed by the runtime's job queue. */
  tasks?: TaskBackend;
  /**
   * Sees every request start and end (traces, metrics, audit). Absent, requests pay one property
   * read; present, its `start` result reaches handlers as `RequestContext.observation`.
   */
  observer?: RequestObserver;
  /** Rate limits and budgets on `tools/call`, checked after validation and before any routing. */
  admission?: ToolAdmission;
  /**
   * Called once when a session ends (its transport closed it, it expired, or at shutdown), so state
   * kept elsewhere per session (an upstream's own session, keyed by `RequestContext.sessionId`)
   * can go with it. Must not throw.
   */
  onSessionClosed?(session: ServerSession): void;
}

/**
 * Watches requests without taking part in them. `start` runs before dispatch; `end` runs once the
 * response is known (`undefined`: a cancelled request or a notification-like end). Neither may throw.
 */
export interface RequestObserver<T = unknown> {
  start(request: JsonRpcRequest, session: ServerSession): T;
  end(observation: T, request: JsonRpcRequest, response: JsonRpcResponse | undefined): void;
}

const SILENT: ServerLogger = { error() {}, warn() {} };

export class McpServer implements HandlerServer {
  readonly info: Implementation;
  readonly catalog: Catalog;
  readonly instructions: string | undefined;
  readonly requestState: RequestStateCodec;
  /** replaceable (a config reload changes the TTL) */
  cacheHints: CacheHints;
  readonly clientRequestTimeoutMs: number;
  readonly logger: ServerLogger;
  readonly tasks: TaskBackend | undefined;
  readonly observer: RequestObserver | undefined;
  readonly admission: ToolAdmission | undefined;
  private readonly sessionClosed: ((session: ServerSession) => void) | undefined;
  private readonly extraCapabilities: ServerCapabilities;
  private readonly sessions = new Set<ServerSession>();
  private capabilitiesCache: ServerCapabilities | undefined;
  /** `_meta` of every modern result; built once. */
  readonly resultMeta: JsonObject;

  constructor(options: McpServerOptions) {
    if (!options.info || typeof options.info.name !== "string" || typeof options.info.version !== "string") {
      throw new TypeError('"info" option must have string "name" and "version"');
    }
    this.info = options.info;
    this.catalog = options.catalog;
    this.instructions = options.instructions;
    this.requestState = new RequestStateCodec(
      options.requestStateSecret === undefined ? {} : { secret: options.requestStateSecret },
    );
    this.cacheHints = options.cacheHints ?? { ttlMs: 60_000, cacheScope: "public" };
    if (!Number.isInteger(this.cacheHints.ttlMs) || this.cacheHints.ttlMs < 0) {
      throw new TypeError('"cacheHints.ttlMs" option must be a non-negative integer');
    }
    this.clientRequestTimeoutMs = options.clientRequestTimeoutMs ?? 600_000;
    this.logger = options.logger ?? SILENT;
    this.extraCapabilities = options.capabilities ?? {};
    this.tasks = options.tasks;
    this.observer = options.observer;
    this.admission = options.admission;
    this.sessionClosed = options.onSessionClosed;
    if (this.tasks) {
      const extensions = { ...(this.extraCapabilities.extensions ?? {}), [TASKS_EXTENSION]: {} };
      this.extraCapabilities = { ...this.extraCapabilities, extensions };
    }
    this.resultMeta = { [MetaKey.serverInfo]: this.info };
    this.catalog.onChange((kind) => {
      this.capabilitiesCache = undefined;
      for (const session of this.sessions) session.listChanged(kind);
    });
  }

  get capabilities(): ServerCapabilities {
    if (!this.capabilitiesCache) {
      const caps: ServerCapabilities = { logging: {} };
      if (this.catalog.hasTools) caps.tools = { listChanged: true };
      if (this.catalog.hasResources) caps.resources = { subscribe: true, listChanged: true };
      if (this.catalog.hasPrompts) caps.prompts = { listChanged: true };
      if (this.catalog.hasCompletions) caps.completions = {};
      this.capabilitiesCache = { ...caps, ...this.extraCapabilities };
    }
    return this.capabilitiesCache;
  }

  /** One per connection (stdio, WebSocket) or legacy HTTP session. */
  createSession(peer: RequestChannel, options: SessionOptions = {}): ServerSession {
    const session = new ServerSession(this, peer, options);
    this.sessions.add(session);
    return session;
  }

  /** @internal */
  forget(session: ServerSession): void {
    this.sessions.delete(session);
    this.sessionClosed?.(session);
  }

  /** Tells clients a list changed without a catalogue change (content behind the same names moved). */
  notifyListChanged(kind: CatalogKind): void {
    for (const session of this.sessions) session.listChanged(kind);
  }

  /** Tells every session subscribed to `uri` that the resource changed. */
  resourceUpdated(uri: string): void {
    for (const session of this.sessions) session.resourceUpdated(uri);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }
}

export interface SessionOptions {
  /** Authenticated subject of the connection, if any. */
  subject?: string;
  /** The transport's id of this session (legacy `Mcp-Session-Id`), for observers; never sent. */
  id?: string;
  /**
   * Tools this session's caller may see and call (per-tool scopes); others are left out of
   * `tools/list` and `tools/call` answers "Unknown tool". Default: every tool.
   */
  toolFilter?: (toolName: string) => boolean;
  /**
   * Serve 2025-era requests without `initialize`, as this revision (HTTP stateless legacy
   * requests, where each POST stands alone).
   */
  assumeLegacyVersion?: string;
  /** Continue a session initialized elsewhere (another node of a cluster) from its snapshot. */
  restore?: LegacySessionSnapshot;
  /**
   * Prefix of the ids of requests this session sends to the client (default "s"): replicas of one
   * session on several nodes use distinct prefixes, so an answer names the node that asked.
   */
  outboundIdPrefix?: string;
}

/** The negotiated state of a 2025-era session: what another node needs to continue it. */
export interface LegacySessionSnapshot {
  protocolVersion: string;
  clientCapabilities: ClientCapabilities;
  clientInfo: Implementation | undefined;
  logLevel: LoggingLevel | undefined;
  subscriptions: string[];
}

interface OutboundRequest {
  resolve(result: JsonObject): void;
  reject(error: Error): void;
}

interface Subscription {
  id: JsonRpcId;
  channel: RequestChannel;
  filter: {
    toolsListChanged?: boolean;
    promptsListChanged?: boolean;
    resourcesListChanged?: boolean;
    uris?: Set<string>;
  };
  close(): void;
}

/** One client connection or legacy session: negotiated state, in-flight requests, subscriptions. */
export class ServerSession implements ContextHost, HandlerSession {
  readonly server: McpServer;
  readonly peer: RequestChannel;
  readonly subject: string | undefined;
  readonly id: string | undefined;
  readonly toolFilter: ((toolName: string) => boolean) | undefined;
  /** legacy state; `undefined` until `initialize` */
  protocolVersion: string | undefined;
  clientCapabilities: ClientCapabilities = {};
  clientInfo: Implementation | undefined;
  initialized = false;
  logLevel: LoggingLevel | undefined;
  /**
   * Requests in flight. Each entry is a holder emptied when its request ends: V8 leaves a Map's
   * outgrown hash tables behind with their entries, and a promoted leftover table would otherwise
   * keep finished requests (and all they reference) alive through the next scavenges.
   */
  private readonly inFlight = new Map<JsonRpcId, { ctx: RequestContext | undefined }>();
  private readonly outbound = new Map<JsonRpcId, OutboundRequest>();
  private readonly resourceSubscriptions = new Set<string>();
  private readonly subscriptions = new Map<JsonRpcId, Subscription>();
  private outboundId = 0;
  private readonly outboundIdPrefix: string;
  private closed = false;
  private legacyIdentity: RequestIdentity | undefined;
  /** Counts changes of the snapshot's content, so a transport can tell cheaply when to save it. */
  stateVersion = 0;

  constructor(server: McpServer, peer: RequestChannel, options: SessionOptions) {
    this.server = server;
    this.peer = peer;
    this.subject = options.subject;
    this.id = options.id;
    this.toolFilter = options.toolFilter;
    this.outboundIdPrefix = options.outboundIdPrefix ?? "s";
    if (options.assumeLegacyVersion !== undefined) {
      this.protocolVersion = options.assumeLegacyVersion;
      this.initialized = true;
    }
    if (options.restore !== undefined) this.restore(options.restore);
  }

  /** The negotiated state, or undefined before `initialize`. */
  snapshot(): LegacySessionSnapshot | undefined {
    if (!this.initialized || this.protocolVersion === undefined) return undefined;
    return {
      protocolVersion: this.protocolVersion,
      clientCapabilities: this.clientCapabilities,
      clientInfo: this.clientInfo,
      logLevel: this.logLevel,
      subscriptions: [...this.resourceSubscriptions],
    };
  }

  /** Adopts a snapshot taken on another replica (at creation, or when that replica changed it). */
  restore(state: LegacySessionSnapshot): void {
    this.protocolVersion = state.protocolVersion;
    this.clientCapabilities = state.clientCapabilities;
    this.clientInfo = state.clientInfo;
    this.logLevel = state.logLevel;
    this.resourceSubscriptions.clear();
    for (const uri of state.subscriptions) this.resourceSubscriptions.add(uri);
    this.initialized = true;
    this.legacyIdentity = undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get pendingCount(): number {
    return this.inFlight.size;
  }

  /** Handles one decoded frame; returns what to write back (nothing for notifications/responses). */
  async handleFrame(
    frame: DecodedFrame,
    channel: RequestChannel = this.peer,
  ): Promise<JsonRpcResponse | JsonRpcResponse[] | undefined> {
    if (frame.kind === "invalid") return frame.error;
    if (frame.kind === "message") return this.handle(frame.message, channel);
    if (this.protocolVersion === undefined || !allowsBatches(this.protocolVersion)) {
      return failure(
        null,
        ErrorCode.InvalidRequest,
        "Invalid Request: JSON-RPC batches are not supported by this protocol revision",
      );
    }
    const results = await Promise.all(frame.messages.map((m) => this.handleFrame(m, channel)));
    const responses = results.flat().filter((r): r is JsonRpcResponse => r !== undefined);
    return responses.length > 0 ? responses : undefined;
  }

  /** Handles one message of either era. Never throws: failures become JSON-RPC errors. */
  handle(message: JsonRpcMessage, channel: RequestChannel = this.peer): Promise<JsonRpcResponse | undefined> {
    if (isRequest(message)) return this.handleRequest(message, channel);
    if ("method" in message) {
      this.handleNotification(message);
      return Promise.resolve(undefined);
    }
    this.handleResponse(message);
    return Promise.resolve(undefined);
  }

  handleRequest(
    request: JsonRpcRequest,
    channel: RequestChannel = this.peer,
  ): Promise<JsonRpcResponse | undefined> {
    const observer = this.server.observer;
    if (observer === undefined) return this.dispatch(request, channel, undefined);
    return this.observe(observer, request, channel);
  }

  private async observe(
    observer: RequestObserver,
    request: JsonRpcRequest,
    channel: RequestChannel,
  ): Promise<JsonRpcResponse | undefined> {
    const observation = observer.start(request, this);
    const response = await this.dispatch(request, channel, observation);
    observer.end(observation, request, response);
    return response;
  }

  private async dispatch(
    request: JsonRpcRequest,
    channel: RequestChannel,
    observation: unknown,
  ): Promise<JsonRpcResponse | undefined> {
    const { id, method } = request;
    const params = request.params ?? {};
    const meta = params._meta as JsonObject | undefined;
    try {
      // Found by fuzzing: a primitive `_meta` made the `in` checks throw, answering -32603.
      if (meta !== undefined && (typeof meta !== "object" || meta === null || Array.isArray(meta))) {
        throw new JsonRpcError(ErrorCode.InvalidParams, "Invalid params: params._meta must be an object");
      }
      if (claimsModernEra(meta)) {
        const envelope = readModernEnvelope(meta as JsonObject);
        return await this.dispatchModern(request, params, meta as JsonObject, envelope, channel, observation);
      }
      if (method === "initialize") return success(id, this.initialize(params));
      if (method === "ping") return success(id, {});
      if (!this.initialized || this.protocolVersion === undefined) {
        throw new JsonRpcError(
          ErrorCode.InvalidParams,
          `Invalid params: missing params._meta["${MetaKey.protocolVersion}"]; 2025-era clients must send initialize first`,
          { supported: SUPPORTED_PROTOCOL_VERSIONS },
        );
      }
      const handler = handlers.get(method);
      if (!handler || handler.era === "modern") throw methodNotFound(method);
      this.legacyIdentity ??= {
        era: "legacy",
        protocolVersion: this.protocolVersion,
        clientCapabilities: this.clientCapabilities,
        clientInfo: this.clientInfo,
        subject: this.subject,
      };
      // 2025-era: until the client sets a level, every message may be sent (as the SDKs do).
      const result = await this.run(
        handler,
        request,
        params,
        meta,
        this.legacyIdentity,
        this.logLevel ?? "debug",
        channel,
        observation,
      );
      return result === undefined ? undefined : success(id, result);
    } catch (cause) {
      return this.failureFor(id, method, cause, observation);
    }
  }

  private async dispatchModern(
    request: JsonRpcRequest,
    params: JsonObject,
    meta: JsonObject,
    envelope: ModernEnvelope,
    channel: RequestChannel,
    observation: unknown,
  ): Promise<JsonRpcResponse | undefined> {
    const handler = handlers.get(request.method);
    if (!handler || handler.era === "legacy") throw methodNotFound(request.method);
    const identity: RequestIdentity = {
      era: "modern",
      protocolVersion: envelope.protocolVersion,
      clientCapabilities: envelope.clientCapabilities,
      clientInfo: envelope.clientInfo,
      subject: this.subject,
    };
    const result = await this.run(
      handler,
      request,
      params,
      meta,
      identity,
      envelope.logLevel,
      channel,
      observation,
    );
    if (result === undefined) return undefined;
    const decorated: JsonObject = { ...result };
    decorated.resultType ??= "complete";
    decorated._meta =
      result._meta === undefined
        ? this.server.resultMeta
        : { ...(result._meta as JsonObject), ...this.server.resultMeta };
    if (handler.cacheable && decorated.resultType === "complete") {
      decorated.ttlMs ??= this.server.cacheHints.ttlMs;
      // Resource contents may be per-user even without auth (a plugin can read per-caller data):
      // never let a shared cache serve them across callers.
      decorated.cacheScope ??=
        this.subject === undefined && request.method !== "resources/read"
          ? this.server.cacheHints.cacheScope
          : "private";
    }
    return success(request.id, decorated);
  }

  private async run(
    handler: MethodHandler,
    request: JsonRpcRequest,
    params: JsonObject,
    meta: JsonObject | undefined,
    identity: RequestIdentity,
    logLevel: LoggingLevel | undefined,
    channel: RequestChannel,
    observation: unknown,
  ): Promise<JsonObject | undefined> {
    if (!handler.withContext) return handler.handle(this, params, undefined, request, channel);
    if (this.inFlight.has(request.id)) {
      throw new JsonRpcError(
        ErrorCode.InvalidRequest,
        "Invalid Request: a request with this id is already in flight",
      );
    }
    // Multi round-trip state is only read when the client sent some; a plain call pays nothing.
    const input =
      identity.era === "modern" &&
      handler.inputTarget &&
      (params.requestState !== undefined || params.inputResponses !== undefined)
        ? this.readInput(handler.inputTarget(params), params)
        : undefined;
    const token = meta?.progressToken;
    const ctx = new RequestContext({
      requestId: request.id,
      method: request.method,
      identity,
      progressToken: typeof token === "string" || typeof token === "number" ? token : undefined,
      logLevel,
      host: this,
      channel,
      observation,
      ...(input ? { inputResponses: input.responses } : {}),
    });
    const entry = { ctx: ctx as RequestContext | undefined };
    this.inFlight.set(request.id, entry);
    try {
      const result = await handler.handle(this, params, ctx, request, channel);
      // A cancelled request gets no response (spec: cancellation).
      return ctx.cancelled ? undefined : result;
    } catch (cause) {
      // Also no response when the handler fails because it was cancelled (e.g. -32800 from an
      // aborted server-to-client request).
      if (ctx.cancelled) return undefined;
      if (!(cause instanceof InputRequiredSignal) || identity.era !== "modern" || !handler.inputTarget)
        throw cause;
      const state = input ?? this.readInput(handler.inputTarget(params), params);
      const inputRequests = ctx.takePendingInputs() ?? cause.inputRequests;
      const requestState = this.server.requestState.encode(state.target, state.argsHash, state.responses);
      return { resultType: "input_required", inputRequests, requestState };
    } finally {
      entry.ctx = undefined;
      this.inFlight.delete(request.id);
    }
  }

  /** Answers from earlier rounds (verified `requestState`) merged with this retry's `inputResponses`. */
  private readInput(
    subject: { target: string; args: unknown },
    params: JsonObject,
  ): { target: string; argsHash: string; responses: Record<string, JsonObject> } {
    const argsHash = RequestStateCodec.hashArguments(subject.args);
    let responses: Record<string, JsonObject> = {};
    const state = params.requestState;
    if (state !== undefined) {
      const payload =
        typeof state === "string"
          ? this.server.requestState.decode(state, subject.target, argsHash)
          : undefined;
      if (!payload)
        throw new JsonRpcError(ErrorCode.InvalidParams, "Invalid params: requestState is invalid or expired");
      responses = { ...payload.responses };
    }
    const given = params.inputResponses;
    if (given !== undefined) {
      if (typeof given !== "object" || given === null || Array.isArray(given)) {
        throw new JsonRpcError(ErrorCode.InvalidParams, "Invalid params: inputResponses must be an object");
      }
      for (const [key, value] of Object.entries(given)) {
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
          throw new JsonRpcError(
            ErrorCode.InvalidParams,
            `Invalid params: inputResponses["${key}"] must be an object`,
          );
        }
        responses[key] = value as JsonObject;
      }
    }
    return { target: subject.target, argsHash, responses };
  }

  private failureFor(
    id: JsonRpcId,
    method: string,
    cause: unknown,
    observation: unknown,
  ): JsonRpcResponse | undefined {
    if (cause instanceof JsonRpcError) return failure(id, cause.code, cause.message, cause.data);
    if (cause instanceof InputRequiredSignal) {
      return failure(id, ErrorCode.InternalError, "Input required outside a request that can ask for input");
    }
    this.server.logger.error({ msg: "request failed", method, error: describe(cause) }, observation);
    return toFailure(id, cause);
  }

  private initialize(params: JsonObject): JsonObject {
    const requested = params.protocolVersion;
    if (typeof requested !== "string") {
      throw new JsonRpcError(ErrorCode.InvalidParams, "Invalid params: protocolVersion must be a string");
    }
    if (this.initialized && this.protocolVersion !== undefined) {
      throw new JsonRpcError(ErrorCode.InvalidRequest, "Invalid Request: session is already initialized");
    }
    const version = LEGACY_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_LEGACY_PROTOCOL_VERSION;
    const capabilities = params.capabilities;
    this.clientCapabilities =
      typeof capabilities === "object" && capabilities !== null ? (capabilities as ClientCapabilities) : {};
    this.clientInfo = params.clientInfo as Implementation | undefined;
    this.protocolVersion = version;
    this.legacyIdentity = undefined;
    this.stateVersion++;
    // Requests are served from here on; `notifications/initialized` is accepted but not waited for,
    // as the SDKs do, so clients that pipeline their first request are not refused.
    this.initialized = true;
    // 2025-11-25 had tasks in the core protocol: offer them there, over the same backend.
    const offered =
      this.server.tasks && version === LEGACY_TASKS_VERSION
        ? { ...this.server.capabilities, tasks: LEGACY_TASKS_CAPABILITY }
        : this.server.capabilities;
    const result: JsonObject = {
      protocolVersion: version,
      capabilities: offered,
      serverInfo: this.server.info,
    };
    if (this.server.instructions !== undefined) result.instructions = this.server.instructions;
    return result;
  }

  /** `logging/setLevel` (legacy). */
  setLogLevel(level: unknown): void {
    if (!LOGGING_LEVELS.includes(level as LoggingLevel)) {
      throw new JsonRpcError(ErrorCode.InvalidParams, `Invalid params: unknown log level "${String(level)}"`);
    }
    this.logLevel = level as LoggingLevel;
    this.stateVersion++;
  }

  subscribeResource(uri: string): void {
    if (this.resourceSubscriptions.has(uri)) return;
    this.resourceSubscriptions.add(uri);
    this.stateVersion++;
  }

  unsubscribeResource(uri: string): void {
    if (this.resourceSubscriptions.delete(uri)) this.stateVersion++;
  }

  /** Opens a 2026-07-28 `subscriptions/listen` stream; resolves when it ends. */
  listen(
    id: JsonRpcId,
    filter: JsonObject,
    channel: RequestChannel,
    clientCapabilities?: ClientCapabilities,
  ): Promise<JsonObject | undefined> {
    const caps = this.server.capabilities;
    const acked: JsonObject = {};
    const sub: Subscription = { id, channel, filter: {}, close: () => {} };
    if (filter.toolsListChanged === true && caps.tools)
      acked.toolsListChanged = sub.filter.toolsListChanged = true;
    if (filter.promptsListChanged === true && caps.prompts)
      acked.promptsListChanged = sub.filter.promptsListChanged = true;
    if (filter.resourcesListChanged === true && caps.resources) {
      acked.resourcesListChanged = sub.filter.resourcesListChanged = true;
    }
    if (Array.isArray(filter.resourceSubscriptions) && caps.resources) {
      const uris = filter.resourceSubscriptions.filter((u): u is string => typeof u === "string");
      sub.filter.uris = new Set(uris);
      acked.resourceSubscriptions = uris;
    }
    if (this.subscriptions.has(id)) {
      throw new JsonRpcError(
        ErrorCode.InvalidRequest,
        "Invalid Request: a subscription with this id is open",
      );
    }
    const meta = { [MetaKey.subscriptionId]: id };
    let unwatch: (() => void) | undefined;
    const { tasks } = this.server;
    if (Array.isArray(filter.taskIds) && tasks) {
      // SEP-2663: task notifications only for clients that declared the extension.
      if (!declaresTasks(clientCapabilities)) throw missingTasksCapability();
      const taskIds = filter.taskIds.filter((t): t is string => typeof t === "string");
      acked.taskIds = taskIds;
      unwatch = tasks.watch(taskIds, taskOwner(this.subject), (task: TaskView) =>
        channel.send({ jsonrpc: "2.0", method: "notifications/tasks", params: { ...task, _meta: meta } }),
      );
    }
    channel.send({
      jsonrpc: "2.0",
      method: "notifications/subscriptions/acknowledged",
      params: { _meta: meta, notifications: acked },
    });
    return new Promise((resolve) => {
      sub.close = () => {
        unwatch?.();
        this.subscriptions.delete(id);
        resolve(this.closed ? { _meta: meta } : undefined);
      };
      this.subscriptions.set(id, sub);
    });
  }

  /** @internal catalogue change fan-out */
  listChanged(kind: CatalogKind): void {
    if (this.closed) return;
    const method = `notifications/${kind}/list_changed`;
    if (this.initialized && this.protocolVersion !== undefined) this.announce({ jsonrpc: "2.0", method });
    const flag =
      kind === "tools"
        ? "toolsListChanged"
        : kind === "prompts"
          ? "promptsListChanged"
          : "resourcesListChanged";
    for (const sub of this.subscriptions.values()) {
      if (sub.filter[flag]) {
        sub.channel.send({ jsonrpc: "2.0", method, params: { _meta: { [MetaKey.subscriptionId]: sub.id } } });
      }
    }
  }

  /** @internal resource update fan-out */
  resourceUpdated(uri: string): void {
    if (this.closed) return;
    if (this.resourceSubscriptions.has(uri)) {
      this.announce({ jsonrpc: "2.0", method: "notifications/resources/updated", params: { uri } });
    }
    for (const sub of this.subscriptions.values()) {
      if (sub.filter.uris?.has(uri)) {
        sub.channel.send({
          jsonrpc: "2.0",
          method: "notifications/resources/updated",
          params: { _meta: { [MetaKey.subscriptionId]: sub.id }, uri },
        });
      }
    }
  }

  private announce(message: JsonRpcMessage): void {
    if (this.peer.announce) this.peer.announce(message);
    else this.peer.send(message);
  }

  /** Cancels an in-flight request (client notification, closed HTTP stream, shutdown). */
  cancel(requestId: JsonRpcId, reason: string): void {
    this.inFlight.get(requestId)?.ctx?.cancel(reason);
    this.subscriptions.get(requestId)?.close();
  }

  private handleNotification(notification: JsonRpcNotification): void {
    switch (notification.method) {
      case "notifications/initialized":
        return;
      case "notifications/cancelled": {
        const requestId = notification.params?.requestId;
        if (typeof requestId === "string" || typeof requestId === "number") {
          const reason = notification.params?.reason;
          this.cancel(requestId, typeof reason === "string" ? reason : "cancelled by client");
        }
        return;
      }
      default:
        // Unknown notifications are ignored (JSON-RPC: no response to notifications).
        return;
    }
  }

  private handleResponse(response: JsonRpcResponse): void {
    if (response.id === null) return;
    const pending = this.outbound.get(response.id);
    if (!pending) return;
    this.outbound.delete(response.id);
    if ("result" in response) pending.resolve(response.result);
    else pending.reject(new JsonRpcError(response.error.code, response.error.message, response.error.data));
  }

  /** Whether `id` belongs to a request this session sent and still waits for. */
  awaitsResponse(id: JsonRpcId): boolean {
    return this.outbound.has(id);
  }

  requestClient(
    method: string,
    params: JsonObject,
    channel: RequestChannel,
    signal: AbortSignal,
  ): Promise<JsonObject> {
    if (this.closed) return Promise.reject(new ProtocolError("ERR_CONNECTION_CLOSED", "session is closed"));
    // An already aborted signal never fires "abort": without this the request would be sent for a
    // cancelled call and wait out the whole timeout.
    if (signal.aborted)
      return Promise.reject(new JsonRpcError(ErrorCode.RequestCancelled, "Request cancelled"));
    const id = `${this.outboundIdPrefix}${++this.outboundId}`;
    return new Promise<JsonObject>((resolve, reject) => {
      const timer = setTimeout(() => {
        finish();
        reject(new JsonRpcError(ErrorCode.InternalError, `Client did not answer ${method} in time`));
      }, this.server.clientRequestTimeoutMs);
      const onAbort = () => {
        finish();
        channel.send({
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: id, reason: "request cancelled" },
        });
        reject(new JsonRpcError(ErrorCode.RequestCancelled, "Request cancelled"));
      };
      const finish = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.outbound.delete(id);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.outbound.set(id, {
        resolve: (result) => {
          finish();
          resolve(result);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      });
      channel.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  /** Ends the session: cancels in-flight work, fails outbound requests, closes subscriptions. */
  close(reason = "session closed"): void {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.inFlight.values()) entry.ctx?.cancel(reason);
    for (const pending of this.outbound.values())
      pending.reject(new ProtocolError("ERR_CONNECTION_CLOSED", reason));
    this.outbound.clear();
    for (const sub of [...this.subscriptions.values()]) sub.close();
    this.server.forget(this);
  }
}

function methodNotFound(method: string): JsonRpcError {
  return new JsonRpcError(ErrorCode.MethodNotFound, `Method not found: ${method}`);
}

function describe(cause: unknown): Record<string, unknown> {
  if (cause instanceof Error) return { name: cause.name, message: cause.message, stack: cause.stack };
  return { value: String(cause) };
}
