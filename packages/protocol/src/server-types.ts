/**
 * @module The contracts between the server and its method table: what a method handler is and what
 * it may use of its session and server. Kept below server.ts and the method modules so their
 * imports point one way (server → methods → these types); `ServerSession` and `McpServer`
 * implement the two views.
 */
import type { Catalog } from "./catalog.js";
import type { JsonRpcId, JsonRpcRequest } from "./jsonrpc.js";
import type { RequestChannel, RequestContext } from "./request-context.js";
import type { TaskBackend } from "./tasks.js";
import type { ClientCapabilities, JsonObject, ServerCapabilities } from "./types.js";

/**
 * Structured events the server reports; the runtime decides where they go (never stdout). An
 * event about one request comes with that request's observation (see `RequestObserver`), so the
 * log line can carry its trace id.
 */
export interface ServerLogger {
  error(event: Record<string, unknown>, observation?: unknown): void;
  warn(event: Record<string, unknown>): void;
  debug?(event: Record<string, unknown>): void;
}

/**
 * Decides whether a valid `tools/call` may run. It refuses by throwing (or rejecting with) a
 * `JsonRpcError`, usually `rateLimited(...)`; returning undefined admits without an await, so a
 * synchronous (in-memory) limiter costs the call no extra turn.
 */
export interface ToolAdmission {
  admitTool(name: string, ctx: RequestContext): undefined | Promise<void>;
}

/** What method handlers read of the server (`McpServer` implements it). */
export interface HandlerServer {
  readonly catalog: Catalog;
  readonly capabilities: ServerCapabilities;
  readonly instructions: string | undefined;
  readonly logger: ServerLogger;
  readonly tasks: TaskBackend | undefined;
  readonly admission: ToolAdmission | undefined;
}

/** What method handlers use of their session (`ServerSession` implements it). */
export interface HandlerSession {
  readonly server: HandlerServer;
  readonly peer: RequestChannel;
  readonly toolFilter: ((toolName: string) => boolean) | undefined;
  readonly protocolVersion: string | undefined;
  readonly clientCapabilities: ClientCapabilities;
  readonly isClosed: boolean;
  setLogLevel(level: unknown): void;
  subscribeResource(uri: string): void;
  unsubscribeResource(uri: string): void;
  listen(
    id: JsonRpcId,
    filter: JsonObject,
    channel: RequestChannel,
    clientCapabilities?: ClientCapabilities,
  ): Promise<JsonObject | undefined>;
}

export interface MethodHandler {
  /** which era may call it: 2026-07-28 removed some methods and added others */
  era: "both" | "legacy" | "modern";
  /** needs a RequestContext (cancellation, progress, input): anything that runs plugin code */
  withContext: boolean;
  /** carries ttlMs/cacheScope in 2026-07-28 */
  cacheable: boolean;
  /** for methods that may answer input_required: what a requestState is bound to */
  inputTarget?(params: JsonObject): { target: string; args: unknown };
  handle(
    session: HandlerSession,
    params: JsonObject,
    ctx: RequestContext | undefined,
    request: JsonRpcRequest,
    channel: RequestChannel,
  ): Promise<JsonObject | undefined> | JsonObject | undefined;
}
