/**
 * @module Acceptance: every `mcp-runtime` command and subcommand answers `--help` with its usage
 * (exit 0); usage errors exit 2 with one line and where the usage is; the top-level help lists
 * every command, the exit codes and the environment.
 */
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, BIN_PATH, CLI_PATH } from "./support/paths.js";

function cli(args: string[]) {
  const run = spawnSync(process.execPath, [CLI_PATH, ...args], {
    encoding: "utf8",
    timeout: 15_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Each command's path and the flags (and arguments) its usage must name. */
const COMMANDS: readonly [string, readonly string[]][] = [
  [
    "serve",
    ["--config", "--transport", "--host", "--port", "--standby", "--primary", "--trace", "--inspect"],
  ],
  ["dev", ["--config", "--transport", "--host", "--port"]],
  ["call", ["<tool>", "--args", "--config", "--url", "--json", "--timeout-ms"]],
  ["catalog", ["export", "import", "diff"]],
  ["catalog export", ["--config", "--out"]],
  ["catalog import", ["<file>", "--config", "--baseline", "--json"]],
  ["catalog diff", ["[before]", "[after]", "--config", "--json"]],
  ["init", ["plugin"]],
  ["init plugin", ["<name>", "--dir", "--description", "--force", "--json"]],
  ["doctor", ["--config", "--json"]],
  ["check-config", ["<file>", "--env"]],
  ["worker", ["--config", "--health-port", "--health-host"]],
  ["plugins", ["list"]],
  ["plugins list", ["--config"]],
  ["upstreams", ["list"]],
  ["upstreams list", ["--config", "--json"]],
  ["token", ["create"]],
  ["token create", ["--subject", "--scopes"]],
];

describe("mcp-runtime --help", () => {
  beforeAll(() => {
    assertBuilt();
  });

  it("lists every command, the exit codes, the environment, config resolution, standby and worker health", () => {
    const run = cli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const top = new Set(COMMANDS.map(([path]) => path.split(" ")[0]));
    for (const command of top) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    expect(run.stdout).toMatch(/Exit codes: 0 done; 1 .*\n.*2 usage error; 3 could not start/);
    for (const name of [
      "MCP_CONFIG",
      "MCP_HOST",
      "MCP_PORT",
      "LOG_LEVEL",
      "REDIS_URL",
      "OTEL_EXPORTER_OTLP_ENDPOINT",
      "MCP_TOKEN",
    ])
      expect(run.stdout).toContain(name);
    expect(run.stdout).toContain("Config: --config FILE, else $MCP_CONFIG, else ./mcp-runtime.yaml");
    expect(run.stdout).toContain("Standby");
    expect(run.stdout).toContain("Worker health");
  });

  it.each(COMMANDS)("`%s --help` shows its usage and flags (exit 0)", (path, flags) => {
    const run = cli([...path.split(" "), "--help"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: mcp-runtime ${path} `, "m"));
    for (const flag of flags) expect(run.stdout).toContain(flag);
  });

  it("`help COMMAND` is the same as `COMMAND --help`", () => {
    const run = cli(["help", "worker"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(cli(["worker", "--help"]).stdout);
  });

  it("prints the help and exits 2 without a command; --version prints the version", () => {
    const bare = cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain("Usage: mcp-runtime");
    const version = cli(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("works through the bin launcher as `npx mcp-runtime` runs it", () => {
    const run = spawnSync(process.execPath, [BIN_PATH, "doctor", "--help"], {
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Usage: mcp-runtime doctor");
  });
});

describe("mcp-runtime usage errors", () => {
  it("an unknown command exits 2 with one line and the top-level hint", () => {
    const run = cli(["nope"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`mcp-runtime: Unknown command 'nope'\nRun "mcp-runtime --help" for usage.\n`);
  });

  it.each([
    ["serve", "--nope"],
    ["worker", "--nope"],
    ["doctor", "--nope"],
    ["plugins list", "--nope"],
    ["upstreams list", "--nope"],
    ["catalog export", "--nope"],
    ["init plugin", "--nope"],
  ])("`%s %s` exits 2 naming the flag and that command's help", (path, flag) => {
    const run = cli([...path.split(" "), flag]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toEqual([
      `mcp-runtime: Unknown option '${flag}'`,
      `Run "mcp-runtime ${path} --help" for usage.`,
    ]);
  });

  it("a missing argument, a missing required flag, a bad choice and a bad number exit 2", () => {
    expect(cli(["check-config"]).code).toBe(2);
    expect(cli(["check-config"]).stderr).toMatch(/Missing required argument 'file'/);
    const token = cli(["token", "create"]);
    expect(token.code).toBe(2);
    expect(token.stderr).toMatch(/Required option '--subject <subject>' not specified/);
    const transport = cli(["serve", "--transport", "carrier-pigeon"]);
    expect(transport.code).toBe(2);
    expect(transport.stderr).toMatch(/Allowed choices are stdio, http/);
    const timeout = cli(["call", "echo", "--timeout-ms", "soon"]);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toMatch(/--timeout-ms.*expected a positive integer/);
    const both = cli(["call", "echo", "--config", "a.yaml", "--url", "http://127.0.0.1:1/mcp"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with/);
  });

  it("a command group without its subcommand exits 2", () => {
    for (const group of ["plugins", "upstreams", "token", "catalog", "init"]) {
      const run = cli([group]);
      expect(run.code, group).toBe(2);
      expect(run.stderr).toContain(`Usage: mcp-runtime ${group}`);
    }
    const unknown = cli(["plugins", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command 'nope'");
  });

  it("serve's own checks are usage errors too", () => {
    const run = cli(["serve", "--primary", "http://127.0.0.1:8080"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'mcp-runtime: --primary needs --standby\nRun "mcp-runtime serve --help" for usage.\n',
    );
  });
});
