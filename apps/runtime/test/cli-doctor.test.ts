/**
 * @module Acceptance: `mcp-runtime doctor` against real parts: a real redis-server on a free
 * port, a port nobody listens on, a port this test holds, real config files in a temp dir.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, CLI_PATH } from "./support/paths.js";
import { startRedis, type TestRedis } from "./support/queue-redis.js";

interface Check {
  id: string;
  status: "ok" | "warn" | "fail";
  message: string;
  fix?: string;
}
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment minus what would change the config under test. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  for (const key of Object.keys(env))
    if (/^(MCP_|REDIS_URL$|OTEL_|LOG_LEVEL$|CACHE_TTL$|OAUTH_)/.test(key)) delete env[key];
  return env;
}

function doctor(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, "doctor", ...args], { env: cleanEnv() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function doctorJson(args: string[]): Promise<{ run: Run; report: { ok: boolean; checks: Check[] } }> {
  const run = await doctor([...args, "--json"]);
  return { run, report: JSON.parse(run.stdout) as { ok: boolean; checks: Check[] } };
}

function listen(host = "127.0.0.1"): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, host, () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("not listening on TCP");
  return address.port;
}

/** A port that was free a moment ago and that nothing listens on now. */
async function closedPort(): Promise<number> {
  const server = await listen();
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const ECHO = [{ package: "@mcp-runtime/plugin-echo" }];
const byId = (checks: Check[], id: string) => checks.find((check) => check.id === id);

describe("mcp-runtime doctor", () => {
  let dir: string;
  let redis: TestRedis;
  const config = async (name: string, value: Record<string, unknown>) => {
    const file = join(dir, name);
    await writeFile(file, JSON.stringify({ telemetry: { logLevel: "warn" }, ...value }));
    return file;
  };

  beforeAll(async () => {
    assertBuilt();
    dir = await mkdtemp(join(tmpdir(), "mcp-doctor-"));
    redis = await startRedis();
  }, 30_000);

  afterAll(async () => {
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("passes with a reachable Redis and a free port, and says so per check", async () => {
    const file = await config("good.json", {
      server: { transport: "http", port: 0 },
      plugins: ECHO,
      cache: { backend: "redis" },
      queue: { backend: "bullmq" },
      redis: { url: redis.url },
    });
    const { run, report } = await doctorJson(["--config", file]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(report.ok).toBe(true);
    expect(byId(report.checks, "node")?.status).toBe("ok");
    expect(byId(report.checks, "config")).toMatchObject({ status: "ok" });
    expect(byId(report.checks, "plugin:echo")).toMatchObject({ status: "ok" });
    const check = byId(report.checks, "redis");
    expect(check?.status).toBe("ok");
    expect(check?.message).toMatch(/answers PING/);
    expect(check?.message).toContain("cache.backend, queue.backend");
    expect(byId(report.checks, "port")?.status).toBe("ok");
    for (const each of report.checks) expect(each.fix).toBeUndefined();
  }, 30_000);

  it("fails when Redis does not answer, naming the address and how to fix it", async () => {
    const port = await closedPort();
    const file = await config("no-redis.json", {
      plugins: ECHO,
      limits: { backend: "redis" },
      redis: { url: `redis://:hunter2@127.0.0.1:${port}` },
    });
    const { run, report } = await doctorJson(["--config", file]);
    expect(run.code).toBe(1);
    expect(report.ok).toBe(false);
    const check = byId(report.checks, "redis");
    expect(check?.status).toBe("fail");
    expect(check?.message).toContain(`127.0.0.1:${port}`);
    expect(check?.message).toContain("limits.backend");
    expect(check?.fix).toMatch(/redis-server --port \d+|REDIS_URL/);
    // The password in the URL never reaches the report.
    expect(run.stdout).not.toContain("hunter2");
  }, 30_000);

  it("fails when the HTTP port is already bound, naming the port and how to change it", async () => {
    const holder = await listen();
    try {
      const port = portOf(holder);
      const file = await config("busy.json", {
        server: { transport: "http", host: "127.0.0.1", port },
        plugins: ECHO,
      });
      const { run, report } = await doctorJson(["--config", file]);
      expect(run.code).toBe(1);
      const check = byId(report.checks, "port");
      expect(check).toMatchObject({ status: "fail", message: `port ${port} on 127.0.0.1 is already in use` });
      expect(check?.fix).toMatch(/--port/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 30_000);

  it("fails on an invalid config, naming the path of each error", async () => {
    const file = await config("bad.json", { server: { colour: "blue", port: "8080" }, plugins: ECHO });
    const { run, report } = await doctorJson(["--config", file]);
    expect(run.code).toBe(1);
    const check = byId(report.checks, "config");
    expect(check?.status).toBe("fail");
    expect(check?.message).toContain("server.colour");
    expect(check?.message).toContain("server.port");
    expect(check?.fix).toContain("check-config");
    // Nothing that needs the config ran.
    expect(byId(report.checks, "port")).toBeUndefined();
  }, 30_000);

  it("fails on a plugin's missing file system root and on an unreachable sidecar; warns on OTLP", async () => {
    const missing = join(dir, "no-such-root");
    const sidecarPort = await closedPort();
    const otlpPort = await closedPort();
    const file = await config("roots.json", {
      plugins: [
        ...ECHO,
        {
          package: "@mcp-runtime/plugin-fs",
          id: "files",
          config: { root: missing },
          sandbox: { fs: { read: [missing] } },
        },
      ],
      telemetry: {
        logLevel: "warn",
        sidecar: `ws://127.0.0.1:${sidecarPort}`,
        otlp: `http://127.0.0.1:${otlpPort}`,
      },
    });
    const { run, report } = await doctorJson(["--config", file]);
    expect(run.code).toBe(1);
    const roots = report.checks.filter((check) => check.id === "files:files");
    expect(roots.length).toBeGreaterThan(0);
    for (const root of roots) {
      expect(root).toMatchObject({ status: "fail" });
      expect(root.message).toContain(`${missing} does not exist`);
      expect(root.fix).toContain("mkdir -p");
    }
    expect(byId(report.checks, "sidecar")).toMatchObject({ status: "fail" });
    expect(byId(report.checks, "sidecar")?.message).toContain(`127.0.0.1:${sidecarPort}`);
    expect(byId(report.checks, "otlp")).toMatchObject({ status: "warn" });
  }, 30_000);

  it("exits 0 with only warnings", async () => {
    const file = await config("warn.json", {
      // Port 0: the default 8080 may be taken on the machine running the test.
      server: { transport: "http", port: 0 },
      plugins: ECHO,
      telemetry: { logLevel: "warn", otlp: `http://127.0.0.1:${await closedPort()}` },
    });
    const { run, report } = await doctorJson(["--config", file]);
    expect(run.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(byId(report.checks, "otlp")?.status).toBe("warn");
  }, 30_000);

  it("--json prints exactly { ok, checks: [{ id, status, message, fix? }] }", async () => {
    const file = await config("shape.json", {
      plugins: ECHO,
      redis: { url: `redis://127.0.0.1:${await closedPort()}` },
      cache: { backend: "redis" },
    });
    const { report } = await doctorJson(["--config", file]);
    expect(Object.keys(report).sort()).toEqual(["checks", "ok"]);
    expect(report.checks.length).toBeGreaterThan(3);
    for (const check of report.checks) {
      expect(Object.keys(check).every((key) => ["id", "status", "message", "fix"].includes(key))).toBe(true);
      expect(["ok", "warn", "fail"]).toContain(check.status);
      expect(typeof check.id).toBe("string");
      expect(typeof check.message).toBe("string");
      if (check.status !== "ok") expect(typeof check.fix).toBe("string");
    }
  }, 30_000);

  it("prints one marked line per check with the fix indented under it (no colour when piped)", async () => {
    const file = await config("human.json", {
      plugins: ECHO,
      redis: { url: `redis://127.0.0.1:${await closedPort()}` },
      queue: { backend: "bullmq" },
    });
    const run = await doctor(["--config", file]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^✓ node: Node /));
    const failed = lines.findIndex((line) => line.startsWith("✗ redis: "));
    expect(failed).toBeGreaterThanOrEqual(0);
    expect(lines[failed + 1]).toMatch(/^ {4}fix: /);
    expect(run.stdout).not.toContain("\u001b[");
    // No spinner when stderr is not a terminal.
    expect(run.stderr).toBe("");
  }, 30_000);

  it("treats an unexpected argument as a usage error (exit 2)", async () => {
    const run = await doctor(["extra"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Run "mcp-runtime doctor --help"');
  });
});
