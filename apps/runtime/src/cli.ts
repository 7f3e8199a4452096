#!/usr/bin/env node
/** @module The `mcp-runtime` command line (see DESIGN.md, CLI contract). */
import { parseArgs } from "node:util";
import { formatIssues, loadConfig, readConfigFile } from "@mcp-runtime/config";
import { chooseConfigFile } from "./config-file.js";
import { chooseExecutor } from "./executor/choose.js";
import { createLogger, type LogLevel } from "./logger.js";
import { startPlugins } from "./plugins/load.js";
import { resolvePlugin } from "./plugins/resolve.js";
import type { Runtime } from "./runtime.js";
import { RUNTIME_VERSION } from "./version.js";

const HELP = `mcp-runtime ${RUNTIME_VERSION}: host, scale and manage MCP servers

Usage:
  mcp-runtime serve [--config FILE] [--transport stdio|http] [--host H] [--port P]
  mcp-runtime serve --standby [--primary URL] [...]   (standby node, default port 8081)
  mcp-runtime worker [--config FILE] [--health-port P] [--health-host H]
  mcp-runtime check-config FILE [--env]   (--env: the environment applies on top, as for serve)
  mcp-runtime plugins list [--config FILE]
  mcp-runtime upstreams list [--config FILE] [--json]
  mcp-runtime token create --subject S [--scopes a,b]
  mcp-runtime --help | --version

Config: --config, else $MCP_CONFIG, else ./mcp-runtime.yaml, else the bundled default.
Environment: MCP_CONFIG, MCP_HOST, MCP_PORT, LOG_LEVEL, CACHE_TTL, REDIS_URL, OAUTH_ISSUER,
  OAUTH_AUDIENCE, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REDIRECT_URI, OTEL_EXPORTER_OTLP_ENDPOINT;
  MCP_CACHE_KEYS ("id:base64key,...", the first is current) when cache.encrypt is on.
Flags beat the environment; the environment beats the file.

Standby (single-host failover behind a balancer's backup server): --standby serves on 8081 unless a
  port is given (flag, MCP_PORT or server.port). With --primary URL (e.g. http://127.0.0.1:8080) it
  probes URL/readyz every second; after 2 failures in a row it is active (its /readyz 200), after 2
  successes passive again (its /readyz 503 {"status":"standby"}). It serves MCP in both states.
Worker health: --health-port P (or MCP_WORKER_HEALTH_PORT) serves /healthz, /readyz and /metrics on
  --health-host H (default: MCP_HOST, else server.host, else 127.0.0.1); no port without it.
Logs are JSON lines on stderr; in stdio mode stdout carries nothing but MCP.
`;

type Exit = number;

function usage(message: string): Exit {
  process.stderr.write(`mcp-runtime: ${message}\nRun "mcp-runtime --help" for usage.\n`);
  return 2;
}

async function checkConfig(args: string[]): Promise<Exit> {
  let parsed: { values: { env?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: { env: { type: "boolean" } } });
  } catch (cause) {
    return usage(cause instanceof Error ? cause.message : String(cause));
  }
  const file = parsed.positionals[0];
  if (!file || parsed.positionals.length > 1) return usage("check-config takes exactly one FILE");
  // The file alone by default; with --env, what `serve` would run (REDIS_URL, MCP_PORT, ... applied).
  const loaded = await loadConfig({ file, env: parsed.values.env ? process.env : {} });
  if (!loaded.ok) {
    for (const line of formatIssues(loaded.issues)) process.stdout.write(`${line}\n`);
    return 1;
  }
  const problems: string[] = [];
  for (const [index, entry] of loaded.config.plugins.entries()) {
    try {
      await resolvePlugin(entry, loaded.baseDir);
    } catch (cause) {
      problems.push(`plugins[${index}]: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
  for (const line of problems) process.stdout.write(`${line}\n`);
  if (problems.length > 0) return 1;
  process.stdout.write(`${file}: ok (${loaded.config.plugins.length} plugins)\n`);
  return 0;
}

async function serve(args: string[]): Promise<Exit> {
  let values: {
    config?: string;
    transport?: string;
    host?: string;
    port?: string;
    standby?: boolean;
    primary?: string;
  };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: "string" },
        transport: { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        standby: { type: "boolean" },
        primary: { type: "string" },
      },
    }));
  } catch (cause) {
    return usage(cause instanceof Error ? cause.message : String(cause));
  }
  if (values.primary !== undefined && !values.standby) return usage("--primary needs --standby");
  if (values.primary !== undefined && !/^https?:\/\/[^/]/.test(values.primary))
    return usage(`--primary must be an http(s) URL, got ${JSON.stringify(values.primary)}`);
  const file = chooseConfigFile(values.config, process.env, process.cwd());
  const flags: { transport?: string; host?: string; port?: string } = {};
  if (values.transport !== undefined) flags.transport = values.transport;
  if (values.host !== undefined) flags.host = values.host;
  if (values.port !== undefined) flags.port = values.port;
  // The standby's 8081 replaces only the built-in 8080: a flag, MCP_PORT or server.port still wins.
  if (values.standby && flags.port === undefined && !process.env.MCP_PORT && !(await fileSetsPort(file)))
    flags.port = String((await import("./standby.js")).STANDBY_PORT);
  const loaded = await loadConfig({ ...(file ? { file } : {}), env: process.env, flags });
  if (!loaded.ok) {
    for (const line of formatIssues(loaded.issues)) process.stderr.write(`${line}\n`);
    return 1;
  }
  const { config } = loaded;
  if (values.standby && config.server.transport !== "http") return usage("--standby needs --transport http");
  const logger = createLogger({
    level: config.telemetry.logLevel as LogLevel,
    fields: { service: "mcp-runtime" },
  });
  // Plugin hosts boot on their own threads (most of the time to ready) while this thread loads
  // the rest of the runtime and the transport: the modules below are imported only after they start.
  let runtime: Runtime;
  try {
    const loading = startPlugins(config.plugins, loaded.baseDir, chooseExecutor(process.env, logger));
    await loading.started;
    const transport =
      config.server.transport === "http" ? import("./serve-http.js") : import("@mcp-runtime/transport-stdio");
    const { createRuntime } = await import("./runtime.js");
    runtime = await createRuntime({
      config,
      baseDir: loaded.baseDir,
      logger,
      loading,
      env: process.env,
      flags,
      ...(loaded.file === undefined ? {} : { configFile: loaded.file }),
    });
    await transport;
  } catch (cause) {
    logger.error({ msg: "start-up failed", error: cause instanceof Error ? cause.message : String(cause) });
    logger.flush();
    return 1;
  }
  watchSighup(runtime, loaded.file);
  if (config.server.transport === "stdio") {
    const { serveStdio } = await import("@mcp-runtime/transport-stdio");
    const connection = serveStdio(runtime.server, {
      maxMessageBytes: config.server.maxMessageBytes,
      onEvent: (event) => logger.warn(event),
    });
    logger.info({ msg: "serving MCP on stdio", config: file ?? "(defaults)" });
    const stop = () => connection.close("signal");
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    await connection.closed;
    await runtime.close();
    logger.flush();
    return 0;
  }
  const { serveHttp } = await import("./serve-http.js");
  if (values.primary === undefined) {
    if (values.standby) logger.warn({ msg: "standby without --primary: nothing to watch, always ready" });
    return serveHttp(runtime, logger);
  }
  const { StandbyWatch } = await import("./standby.js");
  const standby = new StandbyWatch({ primary: values.primary, logger, metrics: runtime.metrics }).start();
  try {
    return await serveHttp(runtime, logger, { readiness: () => standby.readiness() });
  } finally {
    standby.stop();
  }
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

async function main(argv: string[]): Promise<Exit> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case "--help":
    case "-h":
    case "help":
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    case "--version":
    case "-v":
      process.stdout.write(`${RUNTIME_VERSION}\n`);
      return 0;
    case "serve":
      return serve(rest);
    case "check-config":
      return checkConfig(rest);
    case "plugins":
      if (rest[0] === "list") return (await import("./commands/plugins-list.js")).pluginsList(rest.slice(1));
      return usage('plugins takes a subcommand: "plugins list [--config FILE]"');
    case "upstreams":
      if (rest[0] === "list")
        return (await import("./commands/upstreams-list.js")).upstreamsList(rest.slice(1));
      return usage('upstreams takes a subcommand: "upstreams list [--config FILE] [--json]"');
    case "worker":
      return (await import("./commands/worker.js")).worker(rest);
    case "token":
      return (await import("./commands/token-create.js")).tokenCreate(rest, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
      });
    default:
      return usage(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (cause: unknown) => {
    process.stderr.write(`mcp-runtime: ${cause instanceof Error ? cause.message : String(cause)}\n`);
    process.exitCode = 1;
  },
);
