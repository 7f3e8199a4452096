#!/usr/bin/env node
/**
 * @module The `mcp-runtime` command line (see DESIGN.md, CLI contract, and docs/cli.md): the
 * commander program. Each command's module is imported only when that command runs, so `serve`
 * start-up loads nothing it does not use.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { CallOptions } from "./commands/call.js";
import type { CatalogOptions } from "./commands/catalog.js";
import type { CheckConfigOptions } from "./commands/check-config.js";
import type { DevOptions } from "./commands/dev.js";
import type { DoctorOptions } from "./commands/doctor.js";
import type { InitPluginOptions } from "./commands/init-plugin.js";
import { type CliIo, EXIT, type ExitCode, processIo } from "./commands/io.js";
import type { ServeOptions } from "./commands/serve.js";
import type { TokenCreateOptions } from "./commands/token-create.js";
import type { WorkerOptions } from "./commands/worker.js";
import { RUNTIME_VERSION } from "./version.js";

const GUIDE = `
Config: --config FILE, else $MCP_CONFIG, else ./mcp-runtime.yaml, else the bundled default.
Environment: MCP_CONFIG, MCP_TRANSPORT (stdio|http), MCP_HOST (default 127.0.0.1), MCP_PORT (default 8080), LOG_LEVEL
  (debug|info|warn|error), CACHE_TTL (seconds), REDIS_URL, OAUTH_ISSUER, OAUTH_AUDIENCE,
  OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REDIRECT_URI, OTEL_EXPORTER_OTLP_ENDPOINT;
  MCP_CACHE_KEYS ("id:base64key,...", the first is current) when cache.encrypt is on;
  MCP_SIDECAR_TOKEN (the sidecar link's bearer token); MCP_WORKER_HEALTH_PORT (worker probes);
  MCP_TOKEN (bearer token for "call --url"); NO_COLOR (no colour, no spinners).
Flags beat the environment; the environment beats the file.

Standby (single-host failover behind a balancer's backup server): --standby serves on 8081 unless a
  port is given (flag, MCP_PORT or server.port). With --primary URL (e.g. http://127.0.0.1:8080) it
  probes URL/readyz every second; after 2 failures in a row it is active (its /readyz 200), after 2
  successes passive again (its /readyz 503 {"status":"standby"}). It serves MCP in both states.
Worker health: --health-port P (or MCP_WORKER_HEALTH_PORT) serves /healthz, /readyz and /metrics on
  --health-host H (default: MCP_HOST, else server.host, else 127.0.0.1); no port without it.
Logs are JSON lines on stderr; in stdio mode stdout carries nothing but MCP.

Exit codes: 0 done; 1 what was checked failed (invalid config, tool isError, catalog drift, doctor
  error); 2 usage error; 3 could not start or reach what the command needs (start-up, a URL).

Examples:
  mcp-runtime serve --transport http --port 0        serve the default config on a free port
  mcp-runtime doctor --config ./mcp-runtime.yaml     check what serve will need, with the fixes
  mcp-runtime call echo --args '{"text":"hi"}'        call one tool without a client

Run "mcp-runtime <command> --help" for a command's flags; docs/cli.md has the full reference.
`;

const SERVE_GUIDE = `
--trace logs one line per request: {"msg":"trace", tid, method, tool, era, transport, status,
  total_ms, phases: {admission, sandbox | upstream | queue, protocol}}; the phases add up to
  total_ms (protocol: validation, routing, the result cache, everything outside the others).
--inspect opens the Node inspector on 127.0.0.1:9229 (or [HOST:]PORT) and prints the DevTools URL;
  it runs any code a client sends, so bind a public HOST only on a trusted network.
Standby: --standby serves on 8081 unless a port is given; with --primary URL it turns active after
  2 failed probes of URL/readyz in a row and passive after 2 good ones (see "mcp-runtime --help").
Signals: SIGTERM/SIGINT drain (stop accepting, finish in-flight calls, exit 0); SIGHUP reloads
  the config file.
`;

/** `mcp-runtime plugins list` for a `plugins list` command object. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name());
  return names.join(" ");
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0)
    throw new InvalidArgumentError("expected a positive integer");
  return n;
}

/** Usage errors: one line, then where the usage is; help and errors on the io streams. */
function configure(command: Command, io: CliIo): Command {
  return command
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text) => {
        // Capitalised like node:util parseArgs's messages ("Unknown option '--x'"), which scripts match.
        const message = text.replace(/^error: (.)/, (_all, first: string) => first.toUpperCase()).trim();
        io.stderr(`mcp-runtime: ${message}\nRun "${commandPath(command)} --help" for usage.\n`);
      },
    })
    .exitOverride()
    .helpOption("-h, --help", "show this command's usage");
}

export function buildProgram(io: CliIo, done: (code: ExitCode) => void): Command {
  const program = configure(new Command("mcp-runtime"), io)
    .description(`mcp-runtime ${RUNTIME_VERSION}: host, scale and manage MCP servers`)
    .version(RUNTIME_VERSION, "-v, --version", "print the version")
    .addHelpText("after", GUIDE)
    .showSuggestionAfterError(true);
  const sub = (parent: Command, name: string) => configure(parent.command(name), io);
  const transportOption = () =>
    new Option("--transport <kind>", "stdio or http (default: server.transport)").choices(["stdio", "http"]);

  sub(program, "serve")
    .description("serve MCP on stdio or HTTP (Streamable HTTP, legacy SSE, WebSocket on /mcp/ws)")
    .option("--config <file>", "config file (default: $MCP_CONFIG, ./mcp-runtime.yaml, the bundled one)")
    .addOption(transportOption())
    .option("--host <host>", "HTTP bind address (default: MCP_HOST, server.host, 127.0.0.1)")
    .option("--port <port>", "HTTP port, 0 picks a free one (default: MCP_PORT, server.port, 8080)")
    .option("--standby", "standby node: default port 8081, /readyz 503 while the primary is up")
    .option("--primary <url>", "with --standby: the primary whose /readyz is probed every second")
    .option("--trace", "log one line per request with its phase timings")
    .option("--inspect [address]", "open the Node inspector on [HOST:]PORT (default 127.0.0.1:9229)")
    .addHelpText("after", SERVE_GUIDE)
    .action(async (options: ServeOptions) => {
      done(await (await import("./commands/serve.js")).serve(options, io));
    });

  sub(program, "dev")
    .description("serve with plugin reload on file change and a readable log (development)")
    .option("--config <file>", "config file")
    .addOption(transportOption())
    .option("--host <host>", "HTTP bind address")
    .option("--port <port>", "HTTP port, 0 picks a free one")
    .action(async (options: DevOptions) => {
      const { dev } = await import("./commands/dev.js");
      done(await dev(options, io));
    });

  sub(program, "call")
    .description("call one tool, on a runtime started from --config or a running one at --url")
    .argument("<tool>", "the tool's name")
    .option("--args <json>", "the tool's arguments as a JSON object (default {})")
    .addOption(new Option("--config <file>", "start a runtime from this config").conflicts("url"))
    .option("--url <url>", "a running runtime's MCP endpoint (bearer token from MCP_TOKEN)")
    .option("--json", "print the whole result as JSON")
    .option("--timeout-ms <ms>", "give up after this many milliseconds", positiveInteger)
    .action(async (tool: string, options: CallOptions) => {
      const { call } = await import("./commands/call.js");
      done(await call(tool, options, io));
    });

  const catalog = sub(program, "catalog").description(
    "export, import and diff the tool/resource/prompt catalog",
  );
  sub(catalog, "export")
    .description("print (or write) the catalog as canonical JSON with sha256 checksums")
    .option("--config <file>", "config file")
    .option("--out <file>", "write to this file instead of stdout")
    .action(async (options: CatalogOptions & { out?: string }) => {
      const { catalogExport } = await import("./commands/catalog.js");
      done(await catalogExport(options, io));
    });
  sub(catalog, "import")
    .description("verify an exported catalog's checksums and make it the baseline for diff")
    .argument("<file>", "an exported catalog")
    .option("--config <file>", "config file")
    .option(
      "--baseline <file>",
      "where to write the baseline (default: mcp-runtime.catalog.json beside the config)",
    )
    .option("--json", "print the report as JSON")
    .action(async (file: string, options: CatalogOptions & { baseline?: string }) => {
      const { catalogImport } = await import("./commands/catalog.js");
      done(await catalogImport(file, options, io));
    });
  sub(catalog, "diff")
    .description("compare two catalogs; a change without a version bump is drift (exit 1)")
    .argument("[before]", "default: the baseline beside the config")
    .argument("[after]", "default: the live catalog of the config")
    .option("--config <file>", "config file")
    .option("--json", "print the differences as JSON")
    .action(async (before: string | undefined, after: string | undefined, options: CatalogOptions) => {
      const { catalogDiff } = await import("./commands/catalog.js");
      done(await catalogDiff(before, after, options, io));
    });

  const init = sub(program, "init").description("scaffold new things");
  sub(init, "plugin")
    .description("scaffold a plugin package (definePlugin, a tool, a test, permissions)")
    .argument("<name>", "the plugin's name")
    .option("--dir <dir>", "where to create it (default: ./NAME)")
    .option("--description <text>", "the package's description")
    .option("--force", "write into a non-empty directory")
    .option("--json", "print what was created as JSON")
    .action(async (name: string, options: InitPluginOptions) => {
      const { initPlugin } = await import("./commands/init-plugin.js");
      done(await initPlugin(name, options, io));
    });

  sub(program, "doctor")
    .description("check the environment: Node, config, plugins, Redis, port, files, sidecar, OTLP")
    .option("--config <file>", "config file (resolved as serve does)")
    .option("--json", "print { ok, checks: [{ id, status, message, fix? }] }")
    .action(async (options: DoctorOptions) => {
      done(await (await import("./commands/doctor.js")).doctor(options, io));
    });

  sub(program, "check-config")
    .description("validate a config file: exit 0, or 1 with one `path: message` line per error")
    .argument("<file>", "the config file")
    .option("--env", "apply the environment on top of the file, as serve does")
    .action(async (file: string, options: CheckConfigOptions) => {
      done(await (await import("./commands/check-config.js")).checkConfig(file, options, io));
    });

  sub(program, "worker")
    .description('queue worker process (distributed mode, queue.backend "bullmq")')
    .option("--config <file>", "config file")
    .option("--health-port <port>", "serve /healthz, /readyz, /metrics on this port (0: a free one)")
    .option("--health-host <host>", "bind address for --health-port (default: MCP_HOST, server.host)")
    .action(async (options: WorkerOptions) => {
      done(await (await import("./commands/worker.js")).worker(options, io));
    });

  const plugins = sub(program, "plugins").description("inspect the configured plugins");
  sub(plugins, "list")
    .description("each plugin's package, version, asked and granted permissions (exit 1 if one is refused)")
    .option("--config <file>", "config file")
    .action(async (options: { config?: string }) => {
      done(await (await import("./commands/plugins-list.js")).pluginsList(options, io));
    });

  const upstreams = sub(program, "upstreams").description("inspect the hosted MCP servers");
  sub(upstreams, "list")
    .description("start each upstream, list what it offers, stop it (exit 1 if one fails)")
    .option("--config <file>", "config file")
    .option("--json", "print the report as JSON")
    .action(async (options: { config?: string; json?: boolean }) => {
      done(await (await import("./commands/upstreams-list.js")).upstreamsList(options, io));
    });

  const token = sub(program, "token").description("static bearer tokens for auth.mode: tokens");
  sub(token, "create")
    .description("mint a token; prints it once and the config line with its sha256")
    .requiredOption("--subject <subject>", "who the token stands for")
    .option("--scopes <list>", "comma-separated scopes, e.g. tools:echo,tools:search")
    .action(async (options: TokenCreateOptions) => {
      done((await import("./commands/token-create.js")).tokenCreate(options, io));
    });

  return program;
}

export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exit: ExitCode = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exit = code;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (cause) {
    if (!(cause instanceof CommanderError)) throw cause;
    if (cause.exitCode === 0) return EXIT.ok; // --help, --version, `help [command]`
    // Usage errors, and a group without its subcommand (`mcp-runtime plugins`: help on stderr).
    return EXIT.usage;
  }
  return exit;
}

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (cause: unknown) => {
    process.stderr.write(`mcp-runtime: ${cause instanceof Error ? cause.message : String(cause)}\n`);
    process.exitCode = EXIT.failed;
  },
);
