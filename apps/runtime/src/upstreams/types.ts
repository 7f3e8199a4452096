/**
 * @module The contract between the upstream supervisor (connections to hosted MCP servers: stdio
 * subprocesses and remote URLs) and the federation that puts their tools, resources and prompts
 * into the runtime's catalogue. The supervisor side lives in `supervisor.ts` / `link*.ts`, the
 * federation side in `federation.ts`; both depend on this file only.
 */
import type {
  CallToolResult,
  ClientInputHandlers,
  GetPromptResult,
  JsonObject,
  LoggingLevel,
  PromptDescriptor,
  ReadResourceResult,
  ResourceDescriptor,
  ResourceTemplateDescriptor,
  ServerDescription,
  ToolDescriptor,
} from "@mcp-runtime/protocol";

/** What one downstream call brings to the upstream call that serves it. */
export interface UpstreamCallOptions {
  /** downstream cancellation: the upstream gets `notifications/cancelled` */
  signal?: AbortSignal;
  /** upstream progress of this call, relayed to the downstream caller */
  onProgress?(progress: number, total: number | undefined, message: string | undefined): void;
  /** upstream `notifications/message` sent while this call runs (stdio/shared: best effort) */
  onLog?(level: LoggingLevel, data: unknown, logger: string | undefined): void;
  /** elicitation, sampling and roots requests the upstream makes during this call */
  input?: ClientInputHandlers;
  /** overrides the upstream's `timeoutMs` */
  timeoutMs?: number;
}

/** Everything an upstream offers, as it last listed it (names as the upstream spells them). */
export interface UpstreamCatalog {
  readonly server: ServerDescription;
  readonly tools: readonly ToolDescriptor[];
  readonly resources: readonly ResourceDescriptor[];
  readonly resourceTemplates: readonly ResourceTemplateDescriptor[];
  readonly prompts: readonly PromptDescriptor[];
}

/** One session with an upstream (a stdio process, or one `Mcp-Session-Id` of a remote server). */
export interface UpstreamSession {
  callTool(name: string, args: JsonObject, options?: UpstreamCallOptions): Promise<CallToolResult>;
  readResource(uri: string, options?: UpstreamCallOptions): Promise<ReadResourceResult>;
  getPrompt(
    name: string,
    args: Record<string, string>,
    options?: UpstreamCallOptions,
  ): Promise<GetPromptResult>;
}

export type UpstreamState = "starting" | "ready" | "restarting" | "failed" | "stopped";

export interface UpstreamHealth {
  readonly id: string;
  readonly kind: "stdio" | "remote";
  readonly state: UpstreamState;
  /** upstream sessions open now (processes, for stdio) */
  readonly sessions: number;
  readonly restarts: number;
  /** the last failure, scrubbed of secrets */
  readonly lastError?: string;
}

export type CatalogKind = "tools" | "resources" | "prompts";

/** A supervised upstream: its sessions, its catalogue, its health. */
export interface Upstream {
  readonly id: string;
  readonly kind: "stdio" | "remote";
  /** "shared": one session serves every caller; "perSession": one per downstream key (bounded) */
  readonly sharing: "shared" | "perSession";
  /** Connects (spawns), initializes, lists everything; rejects with a clear error when it cannot. */
  start(): Promise<UpstreamCatalog>;
  /**
   * The session that serves a downstream key: the downstream session id (`RequestContext.sessionId`),
   * else `sub:<subject>` or `anon` for stateless callers. Ignored when shared. Created on demand;
   * at the cap (`maxSessions`) the least recently used idle one is closed, or the call is refused.
   */
  session(downstreamKey: string): Promise<UpstreamSession>;
  /** The downstream session ended: its upstream session (if any) is closed. */
  release(downstreamKey: string): void;
  /** The latest catalogue (after `start`). */
  catalog(): UpstreamCatalog;
  /** Called after the upstream said a list changed and it was listed again. */
  onCatalogChanged(listener: (catalog: UpstreamCatalog, kinds: readonly CatalogKind[]) => void): void;
  /** Called for the upstream's `notifications/resources/updated` (upstream URI). */
  onResourceUpdated(listener: (uri: string) => void): void;
  health(): UpstreamHealth;
  close(): Promise<void>;
}
