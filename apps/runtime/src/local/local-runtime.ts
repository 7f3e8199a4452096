/**
 * @module An in-process runtime for tests and tools: exactly what `serve` runs (plugins in their
 * sandbox workers, upstreams, policy, evals) with no transport; calls go through the runtime's own
 * protocol server as a stateless 2026-07-28 client's would.
 *
 * ```ts
 * await using runtime = await startLocalRuntime({ config: { plugins: [{ path: "." }] } });
 * const result = await runtime.callTool("hello", { name: "Ada" });
 * ```
 */
import type { LoadedConfig, UpstreamEntry } from "@mcp-runtime/config";
import type {
  CallToolResult,
  GetPromptResult,
  JsonObject,
  PromptDescriptor,
  ReadResourceResult,
  ResourceDescriptor,
  ResourceTemplateDescriptor,
  ServerSession,
  ToolDescriptor,
} from "@mcp-runtime/protocol";
import { chooseExecutor } from "../executor/choose.js";
import { createLogger, type Logger, type LogLevel } from "../logger.js";
import { startPlugins } from "../plugins/load.js";
import type { Runtime } from "../runtime.js";
import type { Upstream } from "../upstreams/types.js";
import { LocalRuntimeError } from "./errors.js";
import { type LocalConfigSource, loadLocalConfig } from "./local-config.js";
import { NO_PEER, SessionClient } from "./session-client.js";

export type LocalRuntimeOptions = LocalConfigSource & {
  /** where logs go; default: JSON lines on stderr at `logLevel` */
  logger?: Logger;
  /** default "warn": a test's output stays quiet unless something is wrong */
  logLevel?: LogLevel;
  /** `${VAR}` values and MCP_* overrides of a config file; default `process.env` */
  env?: NodeJS.ProcessEnv;
  /** what a relative `configFile` resolves against; default `process.cwd()` */
  cwd?: string;
};

export interface LocalCallOptions {
  /** cancel the call (as a client would) and reject with ERR_LOCAL_TIMEOUT after this long */
  timeoutMs?: number;
}

export interface LocalRuntime extends AsyncDisposable {
  /** the config file in force, if the runtime was started from one */
  readonly configFile: string | undefined;
  listTools(): Promise<ToolDescriptor[]>;
  /** Resolves with the result (`isError` included); rejects with `JsonRpcError` for an unknown tool. */
  callTool(name: string, args?: Record<string, unknown>, options?: LocalCallOptions): Promise<CallToolResult>;
  listResources(): Promise<ResourceDescriptor[]>;
  listResourceTemplates(): Promise<ResourceTemplateDescriptor[]>;
  listPrompts(): Promise<PromptDescriptor[]>;
  readResource(uri: string, options?: LocalCallOptions): Promise<ReadResourceResult>;
  getPrompt(
    name: string,
    args?: Record<string, string>,
    options?: LocalCallOptions,
  ): Promise<GetPromptResult>;
  /** Stops plugins (their worker threads), upstreams and the queue; idempotent. */
  close(): Promise<void>;
}

/** A started local runtime with the parts the catalog needs (not public). */
export interface LocalRuntimeParts {
  readonly handle: LocalRuntime;
  readonly runtime: Runtime;
  readonly loaded: LoadedConfig;
  /** the upstreams the runtime created, by id (their catalogue holds their serverInfo) */
  readonly upstreams: ReadonlyMap<string, Upstream>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  return (await launchLocalRuntime(options)).handle;
}

export async function launchLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntimeParts> {
  const env = options.env ?? process.env;
  const loaded = await loadLocalConfig(options, env, options.cwd ?? process.cwd());
  const { config } = loaded;
  const logger =
    options.logger ?? createLogger({ level: options.logLevel ?? "warn", fields: { service: "mcp-runtime" } });
  const upstreams = new Map<string, Upstream>();
  let runtime: Runtime;
  try {
    // As `serve` does: the hosts boot on their threads while the rest of the runtime is imported.
    const loading = startPlugins(config.plugins, loaded.baseDir, chooseExecutor(env, logger));
    const [{ createRuntime }, { createUpstream }] = await Promise.all([
      import("../runtime.js"),
      import("../upstreams/supervisor.js"),
    ]);
    runtime = await createRuntime({
      config,
      baseDir: loaded.baseDir,
      logger,
      loading,
      env,
      ...(loaded.file === undefined ? {} : { configFile: loaded.file }),
      // The default supervisor, remembered so the catalog can read each upstream's serverInfo.
      createUpstream: (entry: UpstreamEntry, deps) => {
        const upstream = createUpstream(entry, deps);
        upstreams.set(entry.id, upstream);
        return upstream;
      },
    });
  } catch (cause) {
    throw new LocalRuntimeError(
      "ERR_LOCAL_START",
      `the runtime could not start: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  return { handle: new LocalHandle(runtime, loaded.file), runtime, loaded, upstreams };
}

class LocalHandle implements LocalRuntime {
  private readonly client: SessionClient;
  private readonly session: ServerSession;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly runtime: Runtime,
    readonly configFile: string | undefined,
  ) {
    this.session = runtime.server.createSession(NO_PEER);
    this.client = new SessionClient(this.session);
  }

  async listTools(): Promise<ToolDescriptor[]> {
    return (await this.open().list("tools/list", "tools")) as unknown as ToolDescriptor[];
  }

  async callTool(
    name: string,
    args: Record<string, unknown> = {},
    options: LocalCallOptions = {},
  ): Promise<CallToolResult> {
    const params = { name, arguments: args as JsonObject };
    return (await this.open().request("tools/call", params, options.timeoutMs)) as unknown as CallToolResult;
  }

  async listResources(): Promise<ResourceDescriptor[]> {
    return (await this.open().list("resources/list", "resources")) as unknown as ResourceDescriptor[];
  }

  async listResourceTemplates(): Promise<ResourceTemplateDescriptor[]> {
    const listed = await this.open().list("resources/templates/list", "resourceTemplates");
    return listed as unknown as ResourceTemplateDescriptor[];
  }

  async listPrompts(): Promise<PromptDescriptor[]> {
    return (await this.open().list("prompts/list", "prompts")) as unknown as PromptDescriptor[];
  }

  async readResource(uri: string, options: LocalCallOptions = {}): Promise<ReadResourceResult> {
    const result = await this.open().request("resources/read", { uri }, options.timeoutMs);
    return result as unknown as ReadResourceResult;
  }

  async getPrompt(
    name: string,
    args: Record<string, string> = {},
    options: LocalCallOptions = {},
  ): Promise<GetPromptResult> {
    const result = await this.open().request("prompts/get", { name, arguments: args }, options.timeoutMs);
    return result as unknown as GetPromptResult;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // Closing the session cancels whatever is still in flight before the workers go.
      this.session.close("local runtime closed");
      await this.runtime.close();
      this.runtime.logger.flush();
    })();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private open(): SessionClient {
    if (this.closing !== undefined)
      throw new LocalRuntimeError("ERR_LOCAL_CLOSED", "the local runtime is closed");
    return this.client;
  }
}
