/**
 * @module `mcp-runtime serve`: loads the config (flags beat env, env beats the file), starts the
 * plugins and the runtime, and serves MCP on stdio or HTTP (standby/primary, SIGHUP reload,
 * SIGTERM drain). `dev` reuses it through the hooks (its own log sink, a callback once serving).
 */
import { Writable } from "node:stream";
import { formatIssues, loadConfig, type PluginEntry, readConfigFile } from "@mcp-runtime/config";
import { chooseConfigFile } from "../config-file.js";
import type { Logger, LogLevel } from "../logger.js";
import type { Runtime } from "../runtime.js";
import { type CliIo, EXIT, type ExitCode } from "./io.js";

export interface ServeOptions {
  config?: string;
  transport?: string;
  host?: string;
  port?: string;
  standby?: boolean;
  primary?: string;
  /** one log line per request with its phase timings */
  trace?: boolean;
  /** `true` (127.0.0.1:9229), `"PORT"` or `"HOST:PORT"`: opens the Node inspector */
  inspect?: string | boolean;
}

export interface ServeHooks {
  /** replaces the JSON log line writer (stderr); called once per line, without its newline */
  logSink?: (line: string) => void;
  /** called once the runtime and its transport are up */
  onStarted?: (runtime: Runtime, configFile: string | undefined) => void | Promise<void>;
}

function usage(io: CliIo, message: string): ExitCode {
  io.stderr(`mcp-runtime: ${message}\nRun "mcp-runtime serve --help" for usage.\n`);
  return EXIT.usage;
}

/** Log lines to `logSink` one by one (the logger writes a turn's lines as one chunk). */
function sinkStream(logSink: (line: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line !== "") logSink(line);
      done();
    },
  });
}

export async function serve(options: ServeOptions, io: CliIo, hooks: ServeHooks = {}): Promise<ExitCode> {
  if (options.primary !== undefined && !options.standby) return usage(io, "--primary needs --standby");
  if (options.primary !== undefined && !/^https?:\/\/[^/]/.test(options.primary))
    return usage(io, `--primary must be an http(s) URL, got ${JSON.stringify(options.primary)}`);
  if (options.inspect !== undefined && options.inspect !== false) {
    const { openInspector, parseInspectAddress } = await import("../trace/inspector.js");
    const address = parseInspectAddress(options.inspect);
    if (!address.ok) return usage(io, address.message);
    const opened = openInspector(address);
    if (!opened.ok) {
      io.stderr(`mcp-runtime: ${opened.message}\n`);
      return EXIT.unavailable;
    }
    // Node itself prints "Debugger listening on ws://…"; this adds what to paste into Chrome.
    io.stderr(`mcp-runtime: inspector open, DevTools: ${opened.devtools}\n`);
  }
  const file = chooseConfigFile(options.config, process.env, process.cwd());
  const flags: { transport?: string; host?: string; port?: string } = {};
  if (options.transport !== undefined) flags.transport = options.transport;
  if (options.host !== undefined) flags.host = options.host;
  if (options.port !== undefined) flags.port = options.port;
  // The standby's 8081 replaces only the built-in 8080: a flag, MCP_PORT or server.port still wins.
  if (options.standby && flags.port === undefined && !process.env.MCP_PORT && !(await fileSetsPort(file)))
    flags.port = String((await import("../standby.js")).STANDBY_PORT);
  const loaded = await loadConfig({ ...(file ? { file } : {}), env: process.env, flags });
  if (!loaded.ok) {
    for (const line of formatIssues(loaded.issues)) io.stderr(`${line}\n`);
    return EXIT.failed;
  }
  const { config } = loaded;
  if (options.standby && config.server.transport !== "http")
    return usage(io, "--standby needs --transport http");
  // The plugins' threads start before anything else is imported: their boot runs beside the rest
  // of start-up (the logger, the executor, the plugins' own imports on this thread) instead of after.
  const releasePrewarmed = await prewarmPlugins(config.plugins);
  const [{ createLogger }, { chooseExecutor }, { startPlugins }] = await Promise.all([
    import("../logger.js"),
    import("../executor/choose.js"),
    import("../plugins/load.js"),
  ]);
  const stream = hooks.logSink ? { stream: sinkStream(hooks.logSink) } : {};
  const logger = createLogger({
    level: config.telemetry.logLevel as LogLevel,
    fields: { service: "mcp-runtime" },
    ...stream,
  });
  // Trace lines were asked for on the command line: they are written whatever the log level.
  const requestTrace = options.trace
    ? new (await import("../trace/request-trace.js")).RequestTrace(
        createLogger({ level: "info", fields: { service: "mcp-runtime" }, ...stream }),
        config.server.transport,
      )
    : undefined;
  // Plugin hosts boot on their own threads (most of the time to ready) while this thread loads
  // the rest of the runtime and the transport: the modules below are imported only after they start.
  let runtime: Runtime;
  try {
    const loading = startPlugins(config.plugins, loaded.baseDir, chooseExecutor(process.env, logger));
    loading.plugins.then(releasePrewarmed, releasePrewarmed);
    await loading.started;
    const transport =
      config.server.transport === "http"
        ? import("../serve-http.js")
        : import("@mcp-runtime/transport-stdio");
    const { createRuntime } = await import("../runtime.js");
    runtime = await createRuntime({
      config,
      baseDir: loaded.baseDir,
      logger,
      loading,
      env: process.env,
      flags,
      ...(loaded.file === undefined ? {} : { configFile: loaded.file }),
      ...(requestTrace === undefined ? {} : { requestTracing: requestTrace }),
    });
    await transport;
  } catch (cause) {
    releasePrewarmed();
    logger.error({ msg: "start-up failed", error: cause instanceof Error ? cause.message : String(cause) });
    logger.flush();
    return EXIT.unavailable;
  }
  watchSighup(runtime, loaded.file);
  const started = () => hooks.onStarted?.(runtime, loaded.file);
  if (config.server.transport === "stdio") return serveOnStdio(runtime, logger, file, started);
  const { serveHttp } = await import("../serve-http.js");
  const exit = (code: number): ExitCode => (code === 0 ? EXIT.ok : EXIT.unavailable);
  if (options.primary === undefined) {
    if (options.standby) logger.warn({ msg: "standby without --primary: nothing to watch, always ready" });
    return exit(await serveHttp(runtime, logger, { onListening: started }));
  }
  const { StandbyWatch } = await import("../standby.js");
  const standby = new StandbyWatch({ primary: options.primary, logger, metrics: runtime.metrics }).start();
  try {
    return exit(
      await serveHttp(runtime, logger, { readiness: () => standby.readiness(), onListening: started }),
    );
  } finally {
    standby.stop();
  }
}

async function serveOnStdio(
  runtime: Runtime,
  logger: Logger,
  file: string | undefined,
  started: () => void | Promise<void>,
): Promise<ExitCode> {
  const { serveStdio } = await import("@mcp-runtime/transport-stdio");
  const connection = serveStdio(runtime.server, {
    maxMessageBytes: runtime.config.server.maxMessageBytes,
    onEvent: (event) => logger.warn(event),
  });
  logger.info({ msg: "serving MCP on stdio", config: file ?? "(defaults)" });
  const stop = () => connection.close("signal");
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  await started();
  await connection.closed;
  await runtime.close();
  logger.flush();
  return EXIT.ok;
}

/**
 * Starts the worker threads of the sandboxed plugins (see SandboxExecutor.prewarm); the function
 * it returns stops those no plugin took. `MCP_RUNTIME_EXECUTOR=in-process` runs the plugins on
 * this thread (see executor/choose.ts): nothing to start then.
 */
async function prewarmPlugins(plugins: readonly PluginEntry[]): Promise<() => void> {
  if (plugins.length === 0 || process.env.MCP_RUNTIME_EXECUTOR === "in-process") return () => {};
  const { SandboxExecutor } = await import("@mcp-runtime/sandbox");
  SandboxExecutor.prewarm(plugins.map((plugin) => plugin.sandbox));
  return () => SandboxExecutor.releasePrewarmed();
}

/** Whether the config file itself names `server.port` (its value is validated later, by loadConfig). */
async function fileSetsPort(file: string | undefined): Promise<boolean> {
  if (file === undefined) return false;
  const read = await readConfigFile(file, file);
  if (!read.ok || typeof read.value !== "object" || read.value === null) return false;
  const server = (read.value as { server?: unknown }).server;
  return typeof server === "object" && server !== null && "port" in server;
}

/** SIGHUP re-reads the config file and applies it as the sidecar's pushes are (hot reload without a sidecar). */
function watchSighup(runtime: Runtime, file: string | undefined): void {
  process.on("SIGHUP", () => {
    if (file === undefined) {
      runtime.logger.warn({ msg: "SIGHUP ignored: the runtime was started without a config file" });
      return;
    }
    void runtime.reload({ file, source: "sighup" });
  });
}
