/**
 * @module What a handler sees of one request: identity, era, cancellation, progress, logging and
 * input from the user (elicitation, sampling, roots). The same calls work in both eras: legacy
 * sessions send real requests to the client; 2026-07-28 requests unwind with `input_required`
 * and the handler runs again when the client retries with the answers.
 */
import { ErrorCode, JsonRpcError } from "./errors.js";
import type { JsonRpcId, JsonRpcMessage } from "./jsonrpc.js";
import type {
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  Implementation,
  JsonObject,
  ListRootsResult,
  LoggingLevel,
} from "./types.js";
import { LOGGING_LEVELS } from "./types.js";

/** Where messages related to one request go (stdout, or that request's SSE stream). */
export interface RequestChannel {
  send(message: JsonRpcMessage): void;
  /**
   * A stable key of the call this channel answers, when the transport can re-deliver the same
   * call (a resumed stream adopted by another node): backends that run calls as jobs use it so a
   * re-delivered call joins its job instead of running again.
   */
  readonly callKey?: string;
  /** True when this is a second delivery of a call whose first delivery's node died (see callKey). */
  readonly redelivered?: boolean;
  /**
   * Called before the call's work is handed to something that outlives this node (a queued job):
   * a transport that can re-deliver calls makes the call resumable first, so a client never loses
   * the answer of work that runs on. Undefined when there is nothing to wait for.
   */
  durable?(): Promise<void> | undefined;
  /**
   * Out-of-band messages that every replica of a session emits alike (list changes, resource
   * updates); a transport with replicas on several nodes delivers them once. Default: `send`.
   */
  announce?(message: JsonRpcMessage): void;
}

/** What the session provides to contexts; kept narrow so contexts stay cheap. */
export interface ContextHost {
  /** The transport's id of the session (legacy `Mcp-Session-Id`); undefined for stateless requests. */
  readonly id: string | undefined;
  /** Legacy era only: send a request to the client over `channel` and await its result. */
  requestClient(
    method: string,
    params: JsonObject,
    channel: RequestChannel,
    signal: AbortSignal,
  ): Promise<JsonObject>;
}

export type InputMethod = "elicitation/create" | "sampling/createMessage" | "roots/list";

export interface InputRequest {
  method: InputMethod;
  params?: JsonObject;
}

/** Thrown inside a handler to unwind it when a 2026-07-28 request needs input from the client. */
export class InputRequiredSignal extends Error {
  readonly inputRequests: Record<string, InputRequest>;

  constructor(inputRequests: Record<string, InputRequest>) {
    super("input required");
    this.name = "InputRequiredSignal";
    this.inputRequests = inputRequests;
  }
}

export interface RequestIdentity {
  era: "legacy" | "modern";
  protocolVersion: string;
  clientCapabilities: ClientCapabilities;
  clientInfo: Implementation | undefined;
  /** The authenticated subject, when the transport authenticated the caller. */
  subject: string | undefined;
}

const CAPABILITY_OF: Record<InputMethod, "elicitation" | "sampling" | "roots"> = {
  "elicitation/create": "elicitation",
  "sampling/createMessage": "sampling",
  "roots/list": "roots",
};

export function logLevelRank(level: LoggingLevel | undefined): number {
  return level === undefined ? Number.POSITIVE_INFINITY : LOGGING_LEVELS.indexOf(level);
}

export class RequestContext {
  readonly requestId: JsonRpcId;
  readonly method: string;
  readonly identity: RequestIdentity;
  readonly progressToken: string | number | undefined;
  /** What the server's `RequestObserver` returned for this request (e.g. its span); else undefined. */
  readonly observation: unknown;
  private readonly host: ContextHost;
  private readonly channel: RequestChannel;
  private readonly logThreshold: number;
  private controller: AbortController | undefined;
  private cancelListener: (() => void) | undefined;
  private cancelReason: string | undefined;
  private lastProgress = Number.NEGATIVE_INFINITY;
  /** modern era: answers the client sent with this retry (and earlier rounds, from requestState) */
  private readonly inputResponses: Record<string, JsonObject> | undefined;
  private pendingInputs: Record<string, InputRequest> | undefined;
  private inputCount = 0;

  constructor(init: {
    requestId: JsonRpcId;
    method: string;
    identity: RequestIdentity;
    progressToken: string | number | undefined;
    logLevel: LoggingLevel | undefined;
    host: ContextHost;
    channel: RequestChannel;
    observation?: unknown;
    inputResponses?: Record<string, JsonObject>;
  }) {
    this.requestId = init.requestId;
    this.method = init.method;
    this.identity = init.identity;
    this.progressToken = init.progressToken;
    this.logThreshold = logLevelRank(init.logLevel);
    this.host = init.host;
    this.channel = init.channel;
    this.observation = init.observation;
    this.inputResponses = init.inputResponses;
  }

  /** Created on first use: most handlers never look at it. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.cancelReason !== undefined) this.controller.abort(this.cancelReason);
    }
    return this.controller.signal;
  }

  get cancelled(): boolean {
    return this.cancelReason !== undefined;
  }

  /** The transport's stable key of this call, if it has one (see `RequestChannel.callKey`). */
  get callKey(): string | undefined {
    return this.channel.callKey;
  }

  get redelivered(): boolean {
    return this.channel.redelivered === true;
  }

  /**
   * The session this request belongs to (a 2025-era session's id), or undefined for stateless
   * requests: what per-session state elsewhere (an upstream's own session) is keyed by.
   */
  get sessionId(): string | undefined {
    return this.host.id;
  }

  /** See `RequestChannel.durable`; await it (when defined) before submitting a job. */
  durable(): Promise<void> | undefined {
    return this.channel.durable?.();
  }

  cancel(reason: string): void {
    if (this.cancelReason !== undefined) return;
    this.cancelReason = reason;
    this.controller?.abort(reason);
    const listener = this.cancelListener;
    this.cancelListener = undefined;
    listener?.();
  }

  /** One cancellation callback without an AbortController (executors that forward cancellation). */
  onCancel(listener: () => void): void {
    if (this.cancelReason !== undefined) listener();
    else this.cancelListener = listener;
  }

  /** Sends `notifications/progress` when the client asked for it; ignores values that do not increase. */
  progress(progress: number, total?: number, message?: string): void {
    if (
      this.progressToken === undefined ||
      this.cancelReason !== undefined ||
      !(progress > this.lastProgress)
    )
      return;
    this.lastProgress = progress;
    const params: JsonObject = { progressToken: this.progressToken, progress };
    if (total !== undefined) params.total = total;
    if (message !== undefined) params.message = message;
    this.channel.send({ jsonrpc: "2.0", method: "notifications/progress", params });
  }

  /** Sends `notifications/message` when the level is at or above what the client asked for. */
  log(level: LoggingLevel, data: unknown, logger?: string): void {
    if (LOGGING_LEVELS.indexOf(level) < this.logThreshold || this.cancelReason !== undefined) return;
    const params: JsonObject = logger === undefined ? { level, data } : { level, logger, data };
    this.channel.send({ jsonrpc: "2.0", method: "notifications/message", params });
  }

  wantsLog(level: LoggingLevel): boolean {
    return LOGGING_LEVELS.indexOf(level) >= this.logThreshold;
  }

  elicit(params: ElicitRequestParams, options?: { key?: string }): Promise<ElicitResult> {
    return this.input("elicitation/create", params as JsonObject, options?.key) as Promise<ElicitResult>;
  }

  sample(params: CreateMessageRequestParams, options?: { key?: string }): Promise<CreateMessageResult> {
    return this.input(
      "sampling/createMessage",
      params as JsonObject,
      options?.key,
    ) as Promise<CreateMessageResult>;
  }

  listRoots(options?: { key?: string }): Promise<ListRootsResult> {
    return this.input("roots/list", {}, options?.key) as Promise<ListRootsResult>;
  }

  /** Answers this request carries (retry `inputResponses` and earlier rounds); handed on to tasks. */
  get answers(): Record<string, JsonObject> {
    return { ...this.inputResponses };
  }

  /** Inputs requested by this run of the handler in the modern era (read after it unwinds). */
  takePendingInputs(): Record<string, InputRequest> | undefined {
    const pending = this.pendingInputs;
    this.pendingInputs = undefined;
    return pending;
  }

  private input(
    method: InputMethod,
    params: JsonObject,
    explicitKey: string | undefined,
  ): Promise<JsonObject> {
    const capability = CAPABILITY_OF[method];
    if (this.identity.clientCapabilities[capability] === undefined) {
      return Promise.reject(
        new JsonRpcError(
          this.identity.era === "modern" ? ErrorCode.MissingClientCapability : ErrorCode.InvalidRequest,
          `Client does not support ${capability} (required by this ${this.method === "tools/call" ? "tool" : "request"})`,
          { requiredCapabilities: { [capability]: {} } },
        ),
      );
    }
    if (this.identity.era === "legacy") {
      return this.host.requestClient(method, params, this.channel, this.signal);
    }
    // Keys are assigned in call order, so a handler that runs again asks for the same things by the
    // same keys; a handler may also name them.
    const key = explicitKey ?? `${capability}-${this.inputCount++}`;
    const answer = this.inputResponses?.[key];
    if (answer !== undefined) return Promise.resolve(answer);
    this.pendingInputs ??= {};
    this.pendingInputs[key] = { method, params };
    return Promise.reject(new InputRequiredSignal(this.pendingInputs));
  }
}
