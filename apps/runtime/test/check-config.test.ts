/** @module Acceptance: `mcp-runtime check-config FILE` reports every config error by path, one per line. */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, type Fixture } from "./support/fixture.js";
import { assertBuilt, BIN_PATH, REPO_ROOT } from "./support/paths.js";

interface Run {
  status: number | null;
  stdoutLines: string[];
  stderr: string;
}

/** Runs the bin launcher the way `npx mcp-runtime check-config FILE` does. */
function checkConfig(file: string, extra: string[] = [], env: NodeJS.ProcessEnv = process.env): Run {
  const run = spawnSync(process.execPath, [BIN_PATH, "check-config", file, ...extra], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 15_000,
    env,
  });
  return {
    status: run.status,
    stdoutLines: run.stdout.split("\n").filter((line) => line.length > 0),
    stderr: run.stderr,
  };
}

/** `path: message` → path (paths never contain ": "; messages may). */
function pathOf(line: string): string {
  return line.slice(0, line.indexOf(": "));
}

describe("mcp-runtime check-config", () => {
  let fixture: Fixture;

  beforeAll(async () => {
    assertBuilt();
    fixture = await createFixture();
  });

  afterAll(async () => {
    await fixture?.remove();
  });

  it("exits 0 on a valid config and says so", () => {
    const run = checkConfig(fixture.configPath);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdoutLines).toEqual([`${fixture.configPath}: ok (3 plugins)`]);
  });

  it("exits 1 with one `path: message` line per unknown key and wrong type (YAML)", async () => {
    const file = await fixture.writeFile(
      "invalid.yaml",
      [
        "server:",
        "  transport: stdio",
        "  colour: blue          # unknown key",
        '  port: "8080"          # wrong type',
        "plugins:",
        '  - package: "@mcp-runtime/plugin-echo"',
        "    sandbox:",
        "      timeoutMs: soon    # wrong type",
        "      fs: { read: [./data], exec: [] }   # unknown key",
        "telemetry:",
        "  logLevel: 3           # wrong type",
        "",
      ].join("\n"),
    );
    const run = checkConfig(file);
    expect(run.status).toBe(1);
    expect(run.stdoutLines.map(pathOf).sort()).toEqual(
      [
        "server.colour",
        "server.port",
        "plugins[0].sandbox.timeoutMs",
        "plugins[0].sandbox.fs.exec",
        "telemetry.logLevel",
      ].sort(),
    );
    expect(run.stdoutLines).toContain('server.colour: unknown key "colour"');
    expect(run.stdoutLines).toContain("server.port: expected number, got string");
    expect(run.stdoutLines).toContain("plugins[0].sandbox.timeoutMs: expected number, got string");
    expect(run.stdoutLines).toContain('plugins[0].sandbox.fs.exec: unknown key "exec"');
    // Config strings may hold substituted secrets: messages name types, never echo string values.
    expect(run.stdoutLines.join("\n")).not.toMatch(/blue|soon|"8080"/);
  });

  it("exits 1 naming the entry when a plugin package cannot be found", async () => {
    const file = await fixture.writeFile("missing-plugin.json", {
      plugins: [{ package: "@mcp-runtime/plugin-echo" }, { package: "@mcp-runtime/plugin-does-not-exist" }],
    });
    const run = checkConfig(file);
    expect(run.status).toBe(1);
    expect(run.stdoutLines).toHaveLength(1);
    expect(run.stdoutLines[0]).toMatch(/^plugins\[1\]: .*@mcp-runtime\/plugin-does-not-exist/);
  });

  it("checks the file alone by default, and with --env what serve would run (the environment on top)", async () => {
    const file = await fixture.writeFile("needs-env.yaml", "server: { sessions: redis }\n");
    const env = { ...process.env, REDIS_URL: "redis://redis:6379" };
    const alone = checkConfig(file, [], env);
    expect(alone.status).toBe(1);
    expect(alone.stdoutLines).toEqual(['redis.url: required when server.sessions is "redis"']);
    const withEnv = checkConfig(file, ["--env"], env);
    expect(withEnv.status).toBe(0);
    expect(withEnv.stdoutLines).toEqual([`${file}: ok (0 plugins)`]);
    const bad = checkConfig(file, ["--environment"], env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--environment'/);
  });
});
