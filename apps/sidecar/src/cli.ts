#!/usr/bin/env node
/** @module The `mcp-sidecar` command line (see DESIGN.md, CLI contract). */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createLogger } from "@mcp-runtime/telemetry";
import { runAuditVerify } from "./audit/index.js";
import { loadSidecarConfig } from "./config.js";
import type { RunningSidecar } from "./sidecar.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

const HELP = `mcp-sidecar ${VERSION}: audit log, metrics and hot config reload beside mcp-runtime

Usage:
  mcp-sidecar [serve] [--config FILE] [--host H] [--port P]
  mcp-sidecar audit verify [--key PUBFILE] FILE...
  mcp-sidecar replay --against URL [--tool T] [--since T] [--config FILE | --dir DIR] [--json]
  mcp-sidecar --help | --version

serve (the default) listens on 127.0.0.1:8090: WebSocket for runtimes (telemetry.sidecar in
their config), GET /healthz, /readyz and /metrics, and the operator dashboard at / (login at
/login, live updates on /live). It prints "mcp-sidecar listening on http://HOST:PORT" on stderr
when ready (--port 0 picks a free port), then "mcp-sidecar dashboard: URL/" (with the admin
token when it made one: no dashboard.oidc and no admin token configured).
Config file (YAML or JSON; unknown keys are errors):
  host, port, logLevel, audit: { dir, keyFile, maxBytes, maxAgeHours, checkpointEvery,
  checkpointIntervalMs, forward: { syslog: { host, port }, http: { url, headers } } }, watch: FILE,
  dashboard: { enabled, oidc: { issuer, clientId, clientSecretFile, redirectUri, scope,
  allowedSubjects }, adminTokenFile, cookieSecretFile, sessionTtlHours, trustProxy },
  capture: { dir, maxBytes, fileMaxBytes }
Environment: MCP_SIDECAR_CONFIG (the config file), MCP_SIDECAR_TOKEN (runtimes must send it as a
  bearer token), MCP_SIDECAR_ADMIN_TOKEN (the dashboard's admin token, at least 16 characters),
  MCP_SIDECAR_COOKIE_SECRET (signs operator sessions, at least 32 bytes; random per start
  otherwise), MCP_SIDECAR_OIDC_CLIENT_SECRET; each beats its file in the config. LOG_LEVEL.
Exit codes: 0 ok, 1 failure (invalid config, audit verification failed), 2 usage.
SIGTERM flushes and seals the audit file, then exits 0. SIGHUP re-reads and pushes the watched
config (as the dashboard's reload button does), audited as admin_action.
`;

const SERVE_HELP = `Usage: mcp-sidecar [serve] [--config FILE] [--host H] [--port P]

Runs the sidecar. Flags beat the config file. See "mcp-sidecar --help" for the config keys.
`;

function usage(message: string): number {
  process.stderr.write(`mcp-sidecar: ${message}\nRun "mcp-sidecar --help" for usage.\n`);
  return 2;
}

async function serve(args: string[]): Promise<number> {
  let values: { config?: string; host?: string; port?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (cause) {
    return usage(cause instanceof Error ? cause.message : String(cause));
  }
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535)
      return usage(`--port must be 0..65535, not "${values.port}"`);
  }
  const file = values.config ?? process.env.MCP_SIDECAR_CONFIG;
  const loaded = await loadSidecarConfig(file, {
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(port === undefined ? {} : { port }),
  });
  if (!loaded.ok) {
    for (const line of loaded.issues) process.stderr.write(`${line}\n`);
    return 1;
  }
  const level = process.env.LOG_LEVEL ?? loaded.config.logLevel;
  const logger = createLogger({
    level: level === "debug" || level === "warn" || level === "error" ? level : "info",
    fields: { service: "mcp-sidecar" },
  });
  let running: RunningSidecar;
  try {
    const { startSidecar } = await import("./sidecar.js");
    running = await startSidecar(loaded.config, logger, process.env.MCP_SIDECAR_TOKEN || undefined);
  } catch (cause) {
    logger.error({ msg: "start-up failed", error: cause instanceof Error ? cause.message : String(cause) });
    logger.flush();
    return 1;
  }
  logger.info({ msg: "audit log open", dir: loaded.config.audit.dir, watch: loaded.config.watch });
  // Without a handler SIGHUP would end the process; operators send it to reload (systemd, PM2).
  // Installed before the ready line, so a SIGHUP right after it cannot kill the sidecar.
  process.on("SIGHUP", () => {
    void running.reloadConfig("signal:SIGHUP").then((result) => {
      if (result.ok) logger.info({ msg: "SIGHUP: config reloaded", detail: result.message });
      else logger.warn({ msg: "SIGHUP: config not reloaded", reason: result.message });
    });
  });
  process.stderr.write(`mcp-sidecar listening on ${running.url}\n`);
  if (running.dashboard !== undefined) {
    // Straight to stderr, never through the JSON log: that one must not hold secrets.
    const { url, generatedAdminToken } = running.dashboard;
    process.stderr.write(
      generatedAdminToken === undefined
        ? `mcp-sidecar dashboard: ${url}\n`
        : `mcp-sidecar dashboard: ${url} (admin token: ${generatedAdminToken}; set MCP_SIDECAR_ADMIN_TOKEN to choose it)\n`,
    );
  }
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  logger.info({ msg: "stopping", signal });
  await running.close();
  logger.info({ msg: "stopped" });
  logger.flush();
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "--help":
    case "-h":
    case "help":
      process.stdout.write(HELP);
      return 0;
    case "--version":
    case "-v":
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case "audit":
      if (rest[0] === "verify")
        return runAuditVerify(rest.slice(1), {
          stdout: (text) => process.stdout.write(text),
          stderr: (text) => process.stderr.write(text),
        });
      if (rest[0] === "--help" || rest[0] === "-h") {
        process.stdout.write("Usage: mcp-sidecar audit verify [--key PUBFILE] FILE...\n");
        return 0;
      }
      return usage('audit takes a subcommand: "audit verify FILE..."');
    case "replay": {
      const { runReplay } = await import("./replay/index.js");
      return runReplay(rest, {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        env: process.env,
        version: VERSION,
      });
    }
    case "serve":
      return serve(rest);
    default:
      if (command === undefined || command.startsWith("-")) return serve(argv);
      return usage(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (cause: unknown) => {
    process.stderr.write(`mcp-sidecar: ${cause instanceof Error ? cause.message : String(cause)}\n`);
    process.exitCode = 1;
  },
);
