/** @module Wires config, plugins, executor, telemetry and the protocol server into one runtime. */
import type { ConfigFlags, RuntimeConfig, UpstreamEntry } from "@mcp-runtime/config";
import type { ChangeNotifier } from "@mcp-runtime/plugin-sdk";
import { Catalog, McpServer, type ToolDescriptor } from "@mcp-runtime/protocol";
import type { PoolHealth } from "@mcp-runtime/sandbox";
import type { AuditEvent, RuntimeMetrics, Tracing } from "@mcp-runtime/telemetry";
import type { EvalRunner } from "./evals/eval-runner.js";
import { startEvals } from "./evals/setup.js";
import { chooseExecutor, type ReportingExecutor } from "./executor/choose.js";
import type { Logger } from "./logger.js";
import { type LoadedPlugin, type LoadingPlugins, startPlugins } from "./plugins/load.js";
import { type RegisterHooks, registerPlugin } from "./plugins/register.js";
import { ResultCache } from "./policy/result-cache.js";
import { type Policy, startPolicy } from "./policy/setup.js";
import { createTaskRuntime, type TaskRuntime } from "./queue/task-runtime.js";
import {
  ConfigReloader,
  type ReloadOutcome,
  type ReloadRequest,
  type ReloadTarget,
} from "./reload/config-reloader.js";
import { Observation, RuntimeRequestObserver } from "./telemetry/request-observer.js";
import { startTelemetry, type Telemetry } from "./telemetry/setup.js";
import { TracedTaskBackend } from "./telemetry/traced-tasks.js";
import { teeTracing } from "./trace/tee-tracing.js";
import { TracedAdmission } from "./trace/traced-admission.js";
import { Federation } from "./upstreams/federation.js";
import { closeLaunch, type Launch, launchUpstreams } from "./upstreams/members.js";
import type { UpstreamDeps } from "./upstreams/supervisor.js";
import type { Upstream, UpstreamHealth } from "./upstreams/types.js";
import { RUNTIME_VERSION } from "./version.js";

export type { LoadedPlugin, LoadingPlugins } from "./plugins/load.js";
export type { ReloadOutcome, ReloadRequest } from "./reload/config-reloader.js";
export { RUNTIME_VERSION } from "./version.js";

export interface Runtime {
  /** the config in force (replaced by each applied reload) */
  readonly config: RuntimeConfig;
  readonly server: McpServer;
  readonly catalog: Catalog;
  readonly plugins: readonly LoadedPlugin[];
  readonly logger: Logger;
  /** per-plugin sandbox state (breaker, live workers), for /readyz; empty in process */
  health(): readonly PoolHealth[];
  /** per-upstream state (hosted MCP servers), for /readyz: a failed upstream does not make the node unready */
  upstreamHealth(): readonly UpstreamHealth[];
  /** the job queue behind long calls and MCP tasks */
  readonly tasks: TaskRuntime;
  /** Prometheus metrics, unless `telemetry.metrics` is off */
  readonly metrics: RuntimeMetrics | undefined;
  /** caching, large-result links, rate limits and budgets (the transports take `admitClient`) */
  readonly policy: Policy;
  /** Applies a changed config file in place, or refuses it whole with the reason. */
  reload(request: ReloadRequest): Promise<ReloadOutcome>;
  /** Called with each applied config (the HTTP front door updates its tokens from it). */
  onConfigApplied(listener: (config: RuntimeConfig) => void): void;
  /** Records an audit event (sent to the sidecar when one is configured). */
  audit(event: AuditEvent): void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  config: RuntimeConfig;
  /** the directory relative plugin references are resolved against */
  baseDir: string;
  logger: Logger;
  executor?: ReportingExecutor;
  /**
   * Plugins already starting (`startPlugins`), with their executor: the CLI starts the hosts
   * before it imports the rest of the runtime. Without it, createRuntime starts them itself.
   */
  loading?: LoadingPlugins<ReportingExecutor>;
  /** "worker": this process only consumes the queue (`mcp-runtime worker`) */
  role?: "serve" | "worker";
  /** what a reload re-applies on top of the file (the start-up env and flags) */
  env?: Readonly<Record<string, string | undefined>>;
  flags?: ConfigFlags;
  /** the config file this runtime was started from, if any (its text's sha256 is the config version) */
  configFile?: string;
  /** makes the supervised upstream of an `upstreams[]` entry (tests substitute their own) */
  createUpstream?: (entry: UpstreamEntry, deps: UpstreamDeps) => Upstream;
  /** how long start-up waits for upstreams before serving without the slow ones (default 15 s) */
  upstreamStartWaitMs?: number;
  /** `serve --trace`: gets every span beside the OpenTelemetry export (see trace/request-trace.ts) */
  requestTracing?: Tracing;
}

type CreateUpstream = NonNullable<RuntimeOptions["createUpstream"]>;

let supervisor: Promise<CreateUpstream> | undefined;

/**
 * The upstream supervisor, imported on first use: it brings the MCP SDK's client transports
 * (tens of modules), which a config without `upstreams` never needs at start-up.
 */
function loadSupervisor(): Promise<CreateUpstream> {
  supervisor ??= import("./upstreams/supervisor.js").then((module) => module.createUpstream);
  return supervisor;
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, baseDir, logger } = options;
  // Hosts boot on their own threads while this one builds the queue and the protocol server.
  const { executor, plugins: loading } =
    options.loading ??
    startPlugins(config.plugins, baseDir, options.executor ?? chooseExecutor(process.env, logger));
  let createOne = options.createUpstream;
  // Awaited before `makeUpstream` runs: at start-up when the config names upstreams, and by each
  // reload that starts some (Federation.prepare).
  const supervise = async (entries: readonly UpstreamEntry[]): Promise<void> => {
    if (createOne === undefined && entries.length > 0) createOne = await loadSupervisor();
  };
  let upstreamDeps: UpstreamDeps | undefined;
  const makeUpstream = (entry: UpstreamEntry): Upstream => {
    // Without auth a stateless (2026-07-28) caller has neither session nor subject: all of them
    // share the "anon" upstream session. Sessions of 2025-era clients stay apart.
    if (entry.sharing === "perSession" && config.auth.mode === "none")
      logger.warn({
        msg: "perSession upstream without auth: 2026-07-28 callers share one upstream session",
        upstream: entry.id,
      });
    if (createOne === undefined) throw new Error("upstream supervisor used before it was loaded");
    return createOne(
      entry,
      upstreamDeps ?? { logger, clientInfo: { name: "mcp-runtime", version: RUNTIME_VERSION } },
    );
  };
  let launch: Launch | undefined;
  let federation: Federation | undefined;
  let tasks: TaskRuntime | undefined;
  let telemetry: Telemetry | undefined;
  let policy: Policy | undefined;
  let plugins: LoadedPlugin[] = [];
  // Read by metrics at scrape time and by the observer per call; set once the runtime exists.
  let runtime: Runtime | undefined;
  let evals: EvalRunner | undefined;
  const toolPlugins = new Map<string, string>();
  try {
    const hosted = options.role === "worker" ? [] : config.upstreams;
    [tasks, telemetry] = await Promise.all([
      createTaskRuntime(config),
      startTelemetry(config, logger, {
        sessions: () => runtime?.server.sessionCount ?? 0,
        queue: () => (runtime ? runtime.tasks.metrics() : Promise.resolve(undefined)),
        sandboxes: () => executor.health?.() ?? [],
        cache: () => runtime?.policy.results.cache.stats(),
        knownTool: (name) => toolPlugins.has(name),
        configFile: options.configFile,
        reload: (request) => (runtime ? runtime.reload(request) : Promise.reject(new Error("not started"))),
        role: options.role ?? "serve",
        upstreams: () => runtime?.upstreamHealth() ?? [],
        evals: () => evals?.latest() ?? [],
        runEvals: (actor) => void evals?.requestedBy(actor),
      }),
    ]);
    // Hosted servers start (spawn, connect, list) while the policy and the plugins finish booting;
    // they are registered further down.
    upstreamDeps = {
      logger,
      clientInfo: { name: "mcp-runtime", version: RUNTIME_VERSION },
      metrics: telemetry.metrics,
    };
    // A queue worker hosts none: upstream calls run inline on the serving nodes, never as jobs.
    await supervise(hosted);
    launch = launchUpstreams(hosted, makeUpstream);
    policy = await startPolicy(config, {
      metrics: telemetry.metrics,
      logger,
      env: options.env ?? process.env,
    });
    plugins = await loading;
  } catch (cause) {
    await loading.then(
      (loaded) => Promise.allSettled(loaded.map((p) => p.host.close())),
      () => {},
    );
    if (launch) await closeLaunch(launch);
    await executor.close();
    await tasks?.close();
    await telemetry?.close();
    await policy?.close();
    throw cause;
  }
  const catalog = new Catalog();
  const rules = policy;
  const { metrics, link } = telemetry;
  // Decided once here: without --trace the spans go where they always went.
  const tracing =
    options.requestTracing === undefined
      ? telemetry.tracing
      : teeTracing(telemetry.tracing, options.requestTracing);
  const observed = metrics !== undefined || tracing !== undefined || link !== undefined;
  const observer = observed
    ? new RuntimeRequestObserver({
        metrics,
        tracing,
        audit: link,
        logger,
        pluginOf: (tool) => toolPlugins.get(tool),
        capture: telemetry.captureFor(config.telemetry.capture),
      })
    : undefined;
  const server = new McpServer({
    tasks: tracing ? new TracedTaskBackend(tasks.backend, tracing) : tasks.backend,
    info: { name: config.server.name, version: RUNTIME_VERSION, title: "mcp-runtime" },
    catalog,
    // Timed only under --trace: OpenTelemetry export alone keeps the spans it always had.
    admission:
      options.requestTracing !== undefined && tracing !== undefined
        ? new TracedAdmission(rules.limits, tracing)
        : rules.limits,
    cacheHints: listHints(config),
    logger: {
      error: (event, observation) => logger.error(withTraceId(event, observation)),
      warn: (event) => logger.warn(event),
      debug: (event) => logger.debug(event),
    },
    // A per-session upstream closes the session that served a downstream session when it ends.
    onSessionClosed: (session) => {
      if (session.id !== undefined) federation?.release(session.id);
    },
    ...(observer === undefined ? {} : { observer }),
  });
  const notifier: ChangeNotifier = {
    listChanged: (kind) => server.notifyListChanged(kind),
    resourceUpdated: (uri) => server.resourceUpdated(uri),
  };
  const hooks: RegisterHooks = { tracing, results: rules.results, large: rules.large };
  let indexedHosts = new Map<string, unknown>();
  const indexTools = (loaded: readonly LoadedPlugin[]) => {
    toolPlugins.clear();
    for (const { resolved, host } of loaded)
      for (const tool of host.manifest.tools) toolPlugins.set(tool.name, resolved.id);
    // Upstream tools count as their upstream's (ids are unique across plugins and upstreams).
    const upstreamTools: ToolDescriptor[] = [];
    for (const { upstream, descriptor } of federation?.tools() ?? []) {
      toolPlugins.set(descriptor.name, upstream);
      upstreamTools.push(descriptor);
    }
    const manifests = loaded.map((p) => p.host.manifest);
    // cache.tools opts upstream tools in by name too (when annotated readOnly and idempotent).
    rules.results.indexTools([...manifests, { tools: upstreamTools }]);
    rules.limits.indexCosts(manifests);
    // A replaced or removed plugin's cached results go with it.
    const hosts = new Map(loaded.map((p) => [p.host.id, p.host as unknown]));
    for (const [id, host] of indexedHosts) {
      if (hosts.get(id) === host) continue;
      void rules.results.invalidate(ResultCache.pluginGroup(id, "resources"));
      void rules.results.invalidate(ResultCache.pluginGroup(id, "tools"));
    }
    indexedHosts = hosts;
  };
  const taskRuntime = tasks;
  // What every newly registered plugin needs besides the catalogue, at start-up and on reload.
  const announce = ({ resolved, host }: LoadedPlugin) => {
    taskRuntime.addPlugin(host.manifest);
    logger.info({
      msg: "plugin loaded",
      plugin: resolved.id,
      package: resolved.packageName,
      version: resolved.packageVersion,
      executor: executor.kind,
      tools: host.manifest.tools.length,
      resources: host.manifest.resources.length + host.manifest.resourceTemplates.length,
      prompts: host.manifest.prompts.length,
    });
  };
  try {
    for (const plugin of plugins) {
      registerPlugin(catalog, plugin.host, notifier, hooks);
      announce(plugin);
    }
    rules.large.register(catalog);
    federation = new Federation({
      catalog,
      notifier,
      hooks,
      logger,
      create: makeUpstream,
      beforeCreate: supervise,
      ownerOf: (slot, key) => pluginOwner(runtime?.plugins ?? plugins, slot, key),
      changed: () => indexTools(runtime?.plugins ?? plugins),
      hosting: options.role !== "worker",
    });
    await federation.start(launch, options.upstreamStartWaitMs);
  } catch (cause) {
    await closeLaunch(launch);
    await Promise.allSettled(plugins.map((p) => p.host.close()));
    await executor.close();
    await tasks.close();
    await telemetry.close();
    await rules.close();
    throw cause;
  }
  indexTools(plugins);
  // With BullMQ, serving nodes also work the queue unless MCP_QUEUE_WORKER=off (dedicated workers).
  if (
    options.role === "worker" ||
    config.queue.backend === "memory" ||
    process.env.MCP_QUEUE_WORKER !== "off"
  )
    tasks.startWorker(catalog);

  const appliedListeners: ((config: RuntimeConfig) => void)[] = [];
  const upstreams = federation;
  const target: ReloadTarget = {
    config,
    plugins,
    catalog,
    executor,
    notifier,
    hooks,
    upstreams,
    logger,
    env: options.env ?? process.env,
    flags: options.flags ?? {},
    addPlugin: announce,
    applied: (next) => {
      rules.update(next);
      server.cacheHints = listHints(next);
      indexTools(target.plugins);
      if (observer !== undefined) observer.capture = tel.captureFor(next.telemetry.capture);
      for (const listener of appliedListeners) listener(next);
    },
  };
  const reloader = new ConfigReloader(target);
  const tel = telemetry;
  runtime = {
    get config() {
      return target.config;
    },
    server,
    catalog,
    get plugins() {
      return target.plugins;
    },
    logger,
    health: () => executor.health?.() ?? [],
    upstreamHealth: () => upstreams.health(),
    tasks,
    metrics,
    policy: rules,
    async reload(request) {
      const outcome = await reloader.apply(request);
      tel.reported(request, outcome);
      return outcome;
    },
    onConfigApplied(listener) {
      appliedListeners.push(listener);
    },
    audit(event) {
      link?.push(event);
    },
    async close() {
      evals?.close();
      await taskRuntime.close();
      await Promise.allSettled([...target.plugins.map((p) => p.host.close()), upstreams.close()]);
      await executor.close();
      await tel.close();
      await rules.close();
    },
  };
  // Queue workers serve no clients: their evals would only repeat the serving nodes'.
  if (options.role !== "worker") evals = startEvals(runtime);
  return runtime;
}

/** Which plugin registered a catalogue key, for an upstream's collision message. */
function pluginOwner(
  plugins: readonly LoadedPlugin[],
  slot: "tools" | "resources" | "templates" | "prompts",
  key: string,
): string | undefined {
  for (const { resolved, host } of plugins) {
    const { manifest } = host;
    const found =
      slot === "tools"
        ? manifest.tools.some((t) => t.name === key)
        : slot === "resources"
          ? manifest.resources.some((r) => r.uri === key)
          : slot === "templates"
            ? manifest.resourceTemplates.some((t) => t.uriTemplate === key)
            : manifest.prompts.some((p) => p.name === key);
    if (found) return `plugin "${resolved.id}"`;
  }
  return undefined;
}

/** 2026-07-28 list and discover results: reusable for the cache TTL (none when caching is off). */
function listHints(config: RuntimeConfig): { ttlMs: number; cacheScope: "public" } {
  return { ttlMs: config.cache.ttlSeconds * 1000, cacheScope: "public" };
}

/** A request's log event with its trace id (`tid`), when the request is traced. */
function withTraceId(event: Record<string, unknown>, observation: unknown): Record<string, unknown> {
  const span = observation instanceof Observation ? observation.span : undefined;
  return span === undefined ? event : { ...event, tid: span.traceId };
}
