/**
 * @module The upstream supervisor: `createUpstream(config, deps)` connects to one hosted MCP server
 * (a stdio subprocess or a remote URL), lists its catalogue, keeps it current on `list_changed`,
 * health-checks it and restarts it with backoff, and hands out sessions: one shared session, or
 * one per downstream key (see `session-pool.ts`). In perSession mode a separate control session
 * lists the catalogue and answers health checks, so no downstream session's own state (a resource
 * it registered, say) leaks into what everyone sees.
 */
import type { UpstreamEntry } from "@mcp-runtime/config";
import type {
  GetPromptResult,
  Implementation,
  JsonObject,
  PromptDescriptor,
  ReadResourceResult,
  ResourceDescriptor,
  ResourceTemplateDescriptor,
  ToolDescriptor,
} from "@mcp-runtime/protocol";
import type { Registry } from "@mcp-runtime/telemetry";
import type { Logger } from "../logger.js";
import { RUNTIME_VERSION } from "../version.js";
import { Backoff } from "./backoff.js";
import { Connection, type ConnectionOptions } from "./connection.js";
import { scrubSecrets, UpstreamError } from "./errors.js";
import type { LinkFactory } from "./link.js";
import { authorizedFetch, ClientCredentialsTokens } from "./oauth-client-credentials.js";
import { openRemoteLink } from "./remote-link.js";
import { SessionPool } from "./session-pool.js";
import { openStdioLink } from "./stdio-link.js";
import type {
  CatalogKind,
  Upstream,
  UpstreamCallOptions,
  UpstreamCatalog,
  UpstreamHealth,
  UpstreamSession,
  UpstreamState,
} from "./types.js";
import { UpstreamMetrics } from "./upstream-metrics.js";

export type UpstreamConfig = UpstreamEntry;

export interface UpstreamDeps {
  logger: Logger;
  /** how the runtime introduces itself to upstreams; default `mcp-runtime` and its version */
  clientInfo?: Implementation;
  /** where `mcp_upstream_*` series go (the runtime's `RuntimeMetrics`), when metrics are on */
  metrics?: { readonly registry: Registry } | undefined;
  /** for remote upstreams and their token endpoint; default: the global fetch */
  fetch?: typeof fetch;
  /** between RSS samples of stdio processes; default 10 000 */
  memorySampleMs?: number;
}

/** An `Upstream` plus what operators (and tests) may want to see. */
export interface SupervisedUpstream extends Upstream {
  /** process ids of the stdio processes running now (control or shared session first) */
  pids(): number[];
}

const LIST_CHANGED: Readonly<Record<string, CatalogKind>> = {
  "notifications/tools/list_changed": "tools",
  "notifications/resources/list_changed": "resources",
  "notifications/prompts/list_changed": "prompts",
};

export function createUpstream(config: UpstreamConfig, deps: UpstreamDeps): SupervisedUpstream {
  return new Supervisor(config, deps);
}

class Supervisor implements SupervisedUpstream {
  readonly id: string;
  readonly kind: "stdio" | "remote";
  readonly sharing: "shared" | "perSession";
  private readonly config: UpstreamConfig;
  private readonly deps: UpstreamDeps;
  private readonly logger: Logger;
  private readonly backoff: Backoff;
  private readonly metrics: UpstreamMetrics | undefined;
  private readonly pool: SessionPool<Connection> | undefined;
  private readonly shared: UpstreamSession;
  private readonly fetchImpl: typeof fetch;
  private readonly catalogListeners: ((catalog: UpstreamCatalog, kinds: readonly CatalogKind[]) => void)[] =
    [];
  private readonly updateListeners: ((uri: string) => void)[] = [];
  private remoteTransport: "auto" | "streamable" | "sse";
  /** the era the first session found, so later sessions skip the `server/discover` probe */
  private era: "auto" | "modern" | "legacy" = "auto";
  private state: UpstreamState = "starting";
  private control: Connection | undefined;
  private current: UpstreamCatalog | undefined;
  private started: Promise<UpstreamCatalog> | undefined;
  private restarts = 0;
  private lastError: string | undefined;
  private readySince = 0;
  private healthTimer: NodeJS.Timeout | undefined;
  private readonly stopping = new AbortController();
  private waiters: { resolve(): void; reject(error: Error): void }[] = [];
  private dirty = new Set<CatalogKind>();
  private relisting = false;

  constructor(config: UpstreamConfig, deps: UpstreamDeps) {
    if ((config.command === undefined) === (config.url === undefined))
      throw new TypeError('an upstream needs exactly one of "command" and "url"');
    this.id = config.id;
    this.kind = config.command === undefined ? "remote" : "stdio";
    this.sharing = config.sharing;
    this.config = config;
    this.deps = deps;
    this.logger = deps.logger;
    this.backoff = new Backoff(config.restart);
    this.remoteTransport = config.transport ?? "auto";
    const registry = deps.metrics?.registry;
    this.metrics = registry && new UpstreamMetrics(registry, config.id);
    this.metrics?.setUp(false);
    const base = deps.fetch ?? fetch;
    this.fetchImpl = config.oauth
      ? authorizedFetch(new ClientCredentialsTokens(config.id, config.oauth, base), base)
      : base;
    this.shared = new SharedSession(this);
    if (config.sharing === "perSession")
      this.pool = new SessionPool<Connection>({
        upstream: config.id,
        maxSessions: config.maxSessions,
        idleTimeoutMs: config.idleTimeoutSeconds * 1000,
        logger: this.logger,
        create: (key) => this.openPooled(key),
        onChange: () => this.metrics?.setSessions(this.sessionCount()),
      });
  }

  start(): Promise<UpstreamCatalog> {
    this.started ??= this.firstStart();
    return this.started;
  }

  async session(downstreamKey: string): Promise<UpstreamSession> {
    if (!this.pool) return this.shared;
    if (this.state === "stopped" || this.state === "failed") throw this.unavailable();
    await this.pool.acquire(downstreamKey);
    return new KeyedSession(this.pool, downstreamKey);
  }

  release(downstreamKey: string): void {
    this.pool?.release(downstreamKey);
  }

  catalog(): UpstreamCatalog {
    if (!this.current)
      throw new UpstreamError("UPSTREAM_UNAVAILABLE", this.id, `upstream "${this.id}" has not started`);
    return this.current;
  }

  onCatalogChanged(listener: (catalog: UpstreamCatalog, kinds: readonly CatalogKind[]) => void): void {
    this.catalogListeners.push(listener);
  }

  onResourceUpdated(listener: (uri: string) => void): void {
    this.updateListeners.push(listener);
  }

  health(): UpstreamHealth {
    const health = {
      id: this.id,
      kind: this.kind,
      state: this.state,
      sessions: this.sessionCount(),
      restarts: this.restarts,
    };
    return this.lastError === undefined ? health : { ...health, lastError: this.lastError };
  }

  pids(): number[] {
    const sessions = [this.control, ...(this.pool?.sessions() ?? [])];
    return sessions.flatMap((session) => (session?.pid === undefined ? [] : [session.pid]));
  }

  async close(): Promise<void> {
    if (this.state === "stopped") return;
    this.setState("stopped");
    this.stopping.abort();
    clearInterval(this.healthTimer);
    this.rejectWaiters(this.unavailable());
    const control = this.control;
    this.control = undefined;
    await Promise.allSettled([control?.close(), this.pool?.closeAll()]);
    this.metrics?.remove();
    this.logger.info({ msg: "upstream stopped", upstream: this.id });
  }

  /** The shared session once ready: waits out a restart for at most `waitMs`. */
  async ready(waitMs: number): Promise<Connection> {
    if (this.state === "ready" && this.control) return this.control;
    if (this.state === "stopped" || this.state === "failed") throw this.unavailable();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new UpstreamError(
            "UPSTREAM_UNAVAILABLE",
            this.id,
            `upstream "${this.id}" is ${this.state}; gave up after ${waitMs} ms`,
          ),
        );
      }, waitMs);
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
    });
    if (!this.control) throw this.unavailable();
    return this.control;
  }

  get timeoutMs(): number {
    return this.config.timeoutMs;
  }

  private async firstStart(): Promise<UpstreamCatalog> {
    this.logger.info({ msg: "upstream starting", upstream: this.id, kind: this.kind, sharing: this.sharing });
    let control: Connection | undefined;
    try {
      control = await this.openControl();
      this.current = await this.listCatalog(control);
      this.control = control;
    } catch (cause) {
      void control?.close();
      const message = this.describe(cause);
      this.lastError = message;
      if (this.state !== "stopped") this.setState("failed");
      this.logger.error({ msg: "upstream failed to start", upstream: this.id, error: message });
      throw new UpstreamError(
        "UPSTREAM_UNAVAILABLE",
        this.id,
        `upstream "${this.id}" could not start: ${message}`,
        {
          cause,
        },
      );
    }
    if (this.state === "stopped") {
      await control.close();
      throw this.unavailable();
    }
    this.becomeReady();
    this.startHealthChecks();
    this.drainCatalog();
    const { tools, resources, resourceTemplates, prompts } = this.current;
    this.logger.info({
      msg: "upstream ready",
      upstream: this.id,
      server: this.current.server.serverInfo?.name,
      era: this.current.server.era,
      protocolVersion: this.current.server.protocolVersion,
      tools: tools.length,
      resources: resources.length + resourceTemplates.length,
      prompts: prompts.length,
    });
    return this.current;
  }

  private openControl(): Promise<Connection> {
    return this.opened(() => {
      const connection: Connection = this.connection(false, {
        onNotification: (method, params) => this.controlNotified(method, params),
        onDied: (detail) => {
          if (this.control === connection) void this.restart(`process ${detail}`);
        },
      });
      return connection;
    });
  }

  private openPooled(key: string): Promise<Connection> {
    return this.opened(() => {
      const connection: Connection = this.connection(true, {
        onDied: (detail) => {
          this.logger.warn({ msg: "upstream session process exited", upstream: this.id, detail });
          this.pool?.drop(key, connection);
        },
      });
      return connection;
    });
  }

  private connection(
    exclusive: boolean,
    hooks: Pick<ConnectionOptions, "onNotification" | "onDied">,
  ): Connection {
    return new Connection({
      upstream: this.id,
      clientInfo: this.deps.clientInfo ?? { name: "mcp-runtime", version: RUNTIME_VERSION },
      timeoutMs: this.config.timeoutMs,
      exclusive,
      openLink: this.linkFactory(),
      era: this.era,
      logger: this.logger,
      ...hooks,
    });
  }

  /** Opens a connection; "auto" falls back to legacy SSE when the first POST got a 4xx. */
  private async opened(make: () => Connection): Promise<Connection> {
    const connection = make();
    try {
      this.era = (await connection.open()).era;
      if (this.remoteTransport === "auto") this.remoteTransport = "streamable";
      return connection;
    } catch (cause) {
      const status = cause instanceof UpstreamError ? cause.status : undefined;
      if (this.kind !== "remote" || this.remoteTransport !== "auto" || status === undefined) throw cause;
      if (status < 400 || status >= 500 || status === 401 || status === 403) throw cause;
      this.logger.info({
        msg: "upstream has no Streamable HTTP endpoint, trying legacy SSE",
        upstream: this.id,
        status,
      });
      this.remoteTransport = "sse";
      const retry = make();
      this.era = (await retry.open()).era;
      return retry;
    }
  }

  private linkFactory(): LinkFactory {
    const { config, deps, logger } = this;
    if (config.command !== undefined) {
      const command = config.command;
      return (sink) =>
        openStdioLink(
          {
            upstream: config.id,
            command,
            args: config.args,
            env: config.env,
            cwd: config.cwd,
            logger,
            maxMemoryMb: config.maxMemoryMb,
            memorySampleMs: deps.memorySampleMs ?? 10_000,
          },
          sink,
        );
    }
    const url = config.url as string; // the constructor checked that exactly one of command and url is set
    const transport = this.remoteTransport === "sse" ? "sse" : "streamable";
    return (sink) =>
      openRemoteLink(
        { upstream: config.id, url, transport, headers: config.headers, fetch: this.fetchImpl, logger },
        sink,
      );
  }

  private async listCatalog(connection: Connection): Promise<UpstreamCatalog> {
    const server = connection.server;
    if (!server)
      throw new UpstreamError("UPSTREAM_UNAVAILABLE", this.id, `upstream "${this.id}" is not connected`);
    const caps = server.capabilities;
    const none = Promise.resolve([]);
    const [tools, resources, resourceTemplates, prompts] = await Promise.all([
      caps.tools ? connection.listAll<ToolDescriptor>("tools/list", "tools") : none,
      caps.resources ? connection.listAll<ResourceDescriptor>("resources/list", "resources") : none,
      caps.resources
        ? connection.listAll<ResourceTemplateDescriptor>("resources/templates/list", "resourceTemplates")
        : none,
      caps.prompts ? connection.listAll<PromptDescriptor>("prompts/list", "prompts") : none,
    ]);
    return { server, tools, resources, resourceTemplates, prompts };
  }

  private controlNotified(method: string, params: JsonObject): void {
    const kind = LIST_CHANGED[method];
    if (kind) {
      this.dirty.add(kind);
      this.drainCatalog();
      return;
    }
    if (method === "notifications/resources/updated" && typeof params.uri === "string") {
      for (const listener of this.updateListeners) this.safely(() => listener(params.uri as string));
    }
  }

  /** Lists the kinds the upstream said changed, one pass at a time, then tells the listeners. */
  private drainCatalog(): void {
    if (this.relisting || !this.current || this.dirty.size === 0) return;
    this.relisting = true;
    void (async () => {
      try {
        while (this.dirty.size > 0 && this.control && this.current && this.state === "ready") {
          const kinds = [...this.dirty];
          this.dirty.clear();
          const control = this.control;
          const next: { -readonly [K in keyof UpstreamCatalog]: UpstreamCatalog[K] } = { ...this.current };
          for (const kind of kinds) {
            if (kind === "tools") next.tools = await control.listAll<ToolDescriptor>("tools/list", "tools");
            if (kind === "prompts")
              next.prompts = await control.listAll<PromptDescriptor>("prompts/list", "prompts");
            if (kind === "resources") {
              next.resources = await control.listAll<ResourceDescriptor>("resources/list", "resources");
              next.resourceTemplates = await control.listAll<ResourceTemplateDescriptor>(
                "resources/templates/list",
                "resourceTemplates",
              );
            }
          }
          if (control !== this.control) continue; // restarted meanwhile; the restart lists everything
          this.current = next;
          this.emitCatalog(kinds);
        }
      } catch (cause) {
        this.logger.warn({ msg: "upstream list failed", upstream: this.id, error: this.describe(cause) });
      } finally {
        this.relisting = false;
      }
    })();
  }

  private emitCatalog(kinds: readonly CatalogKind[]): void {
    const catalog = this.current;
    if (!catalog || kinds.length === 0) return;
    for (const listener of this.catalogListeners) this.safely(() => listener(catalog, kinds));
  }

  private startHealthChecks(): void {
    const intervalMs = this.config.healthIntervalSeconds * 1000;
    if (intervalMs === 0) return;
    const pingTimeoutMs = Math.min(this.config.timeoutMs, Math.max(1_000, intervalMs));
    this.healthTimer = setInterval(() => {
      const control = this.control;
      if (this.state !== "ready" || !control) return;
      control.ping(pingTimeoutMs).catch((cause: unknown) => {
        // An error answer means the server is alive and just does not like ping.
        if (cause instanceof UpstreamError && this.control === control)
          void this.restart(`health check failed: ${cause.message}`);
      });
    }, intervalMs);
    this.healthTimer.unref();
  }

  private async restart(reason: string): Promise<void> {
    if (this.state !== "ready") return;
    this.restarts++;
    this.metrics?.restarted();
    this.setState("restarting");
    this.lastError = scrubSecrets(reason);
    this.logger.warn({ msg: "upstream down, restarting", upstream: this.id, reason: this.lastError });
    if (Date.now() - this.readySince > this.config.restart.maxBackoffMs) this.backoff.reset();
    const old = this.control;
    this.control = undefined;
    void old?.close().catch(() => {});
    // What comes back may be another version of the server: probe its era again.
    this.era = "auto";
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const delayMs = this.backoff.next();
      await sleep(delayMs, signal);
      if (signal.aborted) return;
      let control: Connection | undefined;
      try {
        control = await this.openControl();
        const catalog = await this.listCatalog(control);
        if (signal.aborted) {
          await control.close();
          return;
        }
        this.control = control;
        const before = this.current;
        this.current = catalog;
        this.becomeReady();
        this.logger.info({
          msg: "upstream restarted",
          upstream: this.id,
          restarts: this.restarts,
          afterMs: delayMs,
        });
        this.emitCatalog(changedKinds(before, catalog));
        this.drainCatalog();
        return;
      } catch (cause) {
        void control?.close();
        this.lastError = this.describe(cause);
        this.logger.warn({ msg: "upstream restart failed", upstream: this.id, error: this.lastError });
      }
    }
  }

  private becomeReady(): void {
    this.readySince = Date.now();
    this.setState("ready");
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private setState(state: UpstreamState): void {
    this.state = state;
    this.metrics?.setUp(state === "ready");
    this.metrics?.setSessions(this.sessionCount());
  }

  private rejectWaiters(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  private sessionCount(): number {
    return (this.control ? 1 : 0) + (this.pool?.size ?? 0);
  }

  private unavailable(): UpstreamError {
    const why = this.lastError === undefined ? "" : `: ${this.lastError}`;
    return new UpstreamError("UPSTREAM_UNAVAILABLE", this.id, `upstream "${this.id}" is ${this.state}${why}`);
  }

  private describe(cause: unknown): string {
    return scrubSecrets(cause instanceof Error ? cause.message : String(cause));
  }

  private safely(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.logger.error({ msg: "upstream listener failed", upstream: this.id, error });
    }
  }
}

/** Shared mode: every call goes to the one session, waiting out a restart within its timeout. */
class SharedSession implements UpstreamSession {
  constructor(private readonly supervisor: Supervisor) {}

  async callTool(name: string, args: JsonObject, options?: UpstreamCallOptions) {
    return (await this.connection(options)).callTool(name, args, options);
  }

  async readResource(uri: string, options?: UpstreamCallOptions): Promise<ReadResourceResult> {
    return (await this.connection(options)).readResource(uri, options);
  }

  async getPrompt(
    name: string,
    args: Record<string, string>,
    options?: UpstreamCallOptions,
  ): Promise<GetPromptResult> {
    return (await this.connection(options)).getPrompt(name, args, options);
  }

  private connection(options: UpstreamCallOptions | undefined): Promise<Connection> {
    return this.supervisor.ready(options?.timeoutMs ?? this.supervisor.timeoutMs);
  }
}

/** perSession: the key's own session, created again if it was evicted or its process died. */
class KeyedSession implements UpstreamSession {
  constructor(
    private readonly pool: SessionPool<Connection>,
    private readonly key: string,
  ) {}

  async callTool(name: string, args: JsonObject, options?: UpstreamCallOptions) {
    return (await this.pool.acquire(this.key)).callTool(name, args, options);
  }

  async readResource(uri: string, options?: UpstreamCallOptions): Promise<ReadResourceResult> {
    return (await this.pool.acquire(this.key)).readResource(uri, options);
  }

  async getPrompt(
    name: string,
    args: Record<string, string>,
    options?: UpstreamCallOptions,
  ): Promise<GetPromptResult> {
    return (await this.pool.acquire(this.key)).getPrompt(name, args, options);
  }
}

function changedKinds(before: UpstreamCatalog | undefined, after: UpstreamCatalog): CatalogKind[] {
  if (!before) return [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const kinds: CatalogKind[] = [];
  if (!same(before.tools, after.tools)) kinds.push("tools");
  if (!same(before.resources, after.resources) || !same(before.resourceTemplates, after.resourceTemplates))
    kinds.push("resources");
  if (!same(before.prompts, after.prompts)) kinds.push("prompts");
  return kinds;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
