/**
 * The single-host deployment (deploy/single-host) run for real: the PM2 ecosystem file started by
 * the real pm2 (temp PM2_HOME, daemon killed in `finally`), serving echo over HTTP and reloading on
 * SIGHUP (adding the http-fetch plugin, whose ESM-only HTML parser then runs in a sandbox worker);
 * the systemd units checked by `systemd-analyze verify` and their exact command lines (ExecStart,
 * ExecStartPost, ExecReload, KillSignal) run against the built CLIs with only paths and port swapped.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONFIG_ENV_VARS, loadConfig } from "@mcp-runtime/config";
import { loadSidecarConfig } from "@mcp-runtime/sidecar";
import { describe, expect, it } from "vitest";
import { modernCall } from "./support/modern-call.js";
import { assertBuilt, REPO_ROOT } from "./support/paths.js";

assertBuilt();

const DEPLOY = join(REPO_ROOT, "deploy", "single-host");
const PM2 = join(REPO_ROOT, "node_modules", ".bin", "pm2");
/** Where the units and the ecosystem file expect the install (npm install in this folder). */
const INSTALL_HOME = "/opt/mcp-runtime";
const HTTP_FETCH_BUILT = join(REPO_ROOT, "plugins", "http-fetch", "dist", "index.js");
const ANALYZE = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" }).status === 0;

// --- helpers ------------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * Polls `probe` until it returns a value. `what` is evaluated on failure (so it can show the log as
 * it is then); `gone` names a reason to stop early, such as the process having exited.
 */
async function waitFor<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  gone: () => string | undefined = () => undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  const describe = () => (typeof what === "string" ? what : what());
  while (Date.now() < deadline) {
    const reason = gone();
    if (reason !== undefined) throw new Error(`${reason} while waiting for ${describe()}`);
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${describe()}${last ? `: ${String(last)}` : ""}`,
  );
}

async function readyzStatus(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) })).status;
}

const readText = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");

/** A unit file as `[section, key, value]` triples, in order (keys may repeat). */
function parseUnit(text: string): [string, string, string][] {
  const entries: [string, string, string][] = [];
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header?.[1]) section = header[1];
    else {
      const eq = line.indexOf("=");
      if (eq < 0) throw new Error(`not a unit line: ${line}`);
      entries.push([section, line.slice(0, eq), line.slice(eq + 1)]);
    }
  }
  return entries;
}

function unitValue(unit: [string, string, string][], key: string): string {
  const found = unit.filter(([section, k]) => section === "Service" && k === key);
  if (found.length !== 1) throw new Error(`expected one ${key}= in [Service], found ${found.length}`);
  return (found[0] as [string, string, string])[2];
}

/** An EnvironmentFile's `NAME=value` lines; `#NAME=` lines (documented, commented out) as names only. */
function parseEnvFile(text: string): { values: Record<string, string>; commented: string[] } {
  const values: Record<string, string> = {};
  const commented: string[] = [];
  for (const line of text.split("\n")) {
    const set = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (set?.[1] !== undefined) values[set[1]] = set[2] ?? "";
    const off = /^#([A-Z][A-Z0-9_]*)=/.exec(line);
    if (off?.[1] !== undefined) commented.push(off[1]);
  }
  return { values, commented };
}

/**
 * A unit's command line as argv, with systemd's `${NAME}` / `$NAME` expanded from `env` and the
 * install paths swapped for this checkout's (its node_modules/@mcp-runtime/* link to the workspaces).
 */
function commandLine(value: string, env: Record<string, string>): string[] {
  expect(value, "command lines here use no quoting or exec prefixes").not.toMatch(/["'\\]|^[-@:+!]/);
  return value
    .split(/\s+/)
    .map((word) => word.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => env[a ?? b] ?? ""))
    .map((word) => (word === "/usr/bin/node" ? process.execPath : word.replace(INSTALL_HOME, REPO_ROOT)));
}

/** Environment variable names the sources under `dirs` read (`env.NAME`, `env["NAME"]`). */
function namesReadBy(dirs: string[]): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts"))
        for (const m of readFileSync(path, "utf8").matchAll(/\benv(?:\.|\[")([A-Z][A-Z0-9_]+)/g))
          if (m[1]) names.add(m[1]);
    }
  };
  for (const dir of dirs) walk(join(REPO_ROOT, dir));
  return names;
}

interface Spawned {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
}

function spawnArgv(argv: string[], env: Record<string, string>, cwd: string): Spawned {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error("empty command line");
  const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? "", ...env }, stdio: "pipe" });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

async function stopped(spawned: Spawned, signal: NodeJS.Signals, withinMs: number): Promise<number | null> {
  spawned.child.kill(signal);
  const timer = setTimeout(() => spawned.child.kill("SIGKILL"), withinMs);
  try {
    return await spawned.exited;
  } finally {
    clearTimeout(timer);
  }
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A page for fetch_url: proves the plugin's ESM-only parser (parse5, unified utils) loads in a worker. */
async function startPageServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createHttpServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<title>T</title><h1>Hello</h1><p>caf&eacute; <a href=/next>next</a><script>x()</script>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const RUNTIME_UNIT = parseUnit(readFileSync(join(DEPLOY, "mcp-runtime.service"), "utf8"));
const SIDECAR_UNIT = parseUnit(readFileSync(join(DEPLOY, "mcp-sidecar.service"), "utf8"));
const RUNTIME_ENV = parseEnvFile(readFileSync(join(DEPLOY, "env.example"), "utf8"));
const SIDECAR_ENV = parseEnvFile(readFileSync(join(DEPLOY, "sidecar.env.example"), "utf8"));

const echoConfig = (extra = "") =>
  `server:\n  name: single-host-test\n  transport: http\nplugins:\n  - package: "@mcp-runtime/plugin-echo"\n${extra}`;

// --- PM2 ----------------------------------------------------------------------------------------

describe("deploy/single-host/ecosystem.config.cjs under the real pm2", () => {
  it("starts runtime and sidecar in fork mode, serves echo, reloads on pm2 sendSignal SIGHUP, and pm2 kill leaves nothing running", async () => {
    expect(existsSync(PM2), "pm2 is a root devDependency: run npm ci at the repository root").toBe(true);
    expect(existsSync(HTTP_FETCH_BUILT), "build plugins/http-fetch first (npm run build)").toBe(true);
    const dir = await mkdtemp(join(tmpdir(), "single-host-pm2-"));
    const pm2Home = join(dir, "pm2");
    const logs = join(dir, "logs");
    const configFile = join(dir, "mcp-runtime.yaml");
    const sidecarFile = join(dir, "sidecar.yaml");
    await mkdir(logs);
    await writeFile(configFile, echoConfig());
    await writeFile(
      sidecarFile,
      `host: 127.0.0.1\nport: 0\nlogLevel: info\naudit:\n  dir: ${join(dir, "audit")}\ndashboard:\n  enabled: false\n`,
    );
    const port = await freePort();
    const env = {
      ...process.env,
      PM2_HOME: pm2Home,
      MCP_RUNTIME_HOME: REPO_ROOT,
      MCP_CONFIG: configFile,
      MCP_HOST: "127.0.0.1",
      MCP_PORT: String(port),
      LOG_LEVEL: "info",
      MCP_SIDECAR_CONFIG: sidecarFile,
      MCP_LOG_DIR: logs,
    };
    const pm2 = (...args: string[]) => {
      const run = spawnSync(process.execPath, [PM2, ...args], { env, encoding: "utf8", timeout: 120_000 });
      if (run.status !== 0)
        throw new Error(`pm2 ${args.join(" ")} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
      return run.stdout;
    };
    const runtimeLog = join(logs, "mcp-runtime.log");
    const pages = await startPageServer();
    let daemonPid: number | undefined;
    const appPids: number[] = [];
    try {
      pm2("start", join(DEPLOY, "ecosystem.config.cjs"));
      daemonPid = Number(readFileSync(join(pm2Home, "pm2.pid"), "utf8"));
      await waitFor(
        () => `the runtime's /readyz on ${port}\n${readText(runtimeLog)}`,
        async () => ((await readyzStatus(port)) === 200 ? true : undefined),
      );
      await waitFor("the sidecar's ready line", async () =>
        readText(join(logs, "mcp-sidecar.log")).includes("mcp-sidecar listening on http://127.0.0.1:")
          ? true
          : undefined,
      );

      const list = JSON.parse(pm2("jlist")) as {
        name: string;
        pid: number;
        pm2_env: { status: string; exec_mode: string; restart_time: number; kill_timeout: number };
      }[];
      expect(list.map((app) => [app.name, app.pm2_env.status, app.pm2_env.exec_mode]).sort()).toEqual([
        ["mcp-runtime", "online", "fork_mode"],
        ["mcp-sidecar", "online", "fork_mode"],
      ]);
      appPids.push(...list.map((app) => app.pid));
      const runtime = list.find((app) => app.name === "mcp-runtime");
      const loaded = await loadConfig({ file: configFile });
      if (!loaded.ok) throw new Error("test config invalid");
      expect(runtime?.pm2_env.kill_timeout).toBeGreaterThan(loaded.config.server.shutdownGraceMs);

      const url = `http://127.0.0.1:${port}/mcp`;
      const echoed = await modernCall(
        url,
        "tools/call",
        { name: "echo", arguments: { text: "via pm2" } },
        { name: "echo" },
      );
      expect(echoed.content).toEqual([{ type: "text", text: "via pm2" }]);

      // Reload: add http-fetch (granted 127.0.0.1 by name) and signal; no restart, new tool served.
      await writeFile(
        configFile,
        echoConfig(
          '  - package: "@mcp-runtime/plugin-http-fetch"\n    sandbox:\n      net:\n        allow: ["*", "127.0.0.1"]\n',
        ),
      );
      pm2("sendSignal", "SIGHUP", "mcp-runtime");
      await waitFor(
        () => `config reloaded in the runtime log\n${readText(runtimeLog)}`,
        async () => (readText(runtimeLog).includes('"config reloaded"') ? true : undefined),
      );
      const tools = (await modernCall(url, "tools/list", {})).tools as { name: string }[];
      expect(tools.map((tool) => tool.name).sort()).toEqual(["echo", "fetch_url"]);
      const fetched = await modernCall(
        url,
        "tools/call",
        { name: "fetch_url", arguments: { url: `${pages.origin}/` } },
        { name: "fetch_url" },
      );
      expect(fetched.content).toEqual([
        { type: "text", text: `# Hello\n\ncafé [next](${pages.origin}/next)` },
      ]);
      const after = JSON.parse(pm2("jlist")) as {
        name: string;
        pid: number;
        pm2_env: { restart_time: number };
      }[];
      const reloaded = after.find((app) => app.name === "mcp-runtime");
      expect([reloaded?.pid, reloaded?.pm2_env.restart_time]).toEqual([runtime?.pid, 0]);
    } finally {
      await pages.close();
      // Always, even on failure: no daemon or app left behind.
      spawnSync(process.execPath, [PM2, "kill"], { env, encoding: "utf8", timeout: 120_000 });
      await rm(dir, { recursive: true, force: true });
    }
    // `pm2 kill` returns as the daemon begins to exit; give the processes a moment to be gone.
    const pids = [daemonPid, ...appPids].filter((pid): pid is number => pid !== undefined);
    expect(pids.length).toBe(3);
    const alive = () => pids.filter(pidAlive);
    await waitFor(
      `pm2 daemon and apps to exit (${alive().join(", ")} left)`,
      async () => (alive().length === 0 ? true : undefined),
      15_000,
    );
  }, 240_000);
});

// --- systemd ------------------------------------------------------------------------------------

describe("deploy/single-host systemd units", () => {
  it(
    ANALYZE
      ? "pass systemd-analyze verify without a warning"
      : "pass systemd-analyze verify — NOT RUN HERE: systemd-analyze is missing (apt-get install systemd); the checks below still run",
    async () => {
      if (!ANALYZE) {
        // Without the tool, at least every key must sit in the section systemd reads it from.
        for (const [section] of [...RUNTIME_UNIT, ...SIDECAR_UNIT])
          expect(["Unit", "Service", "Install"]).toContain(section);
        return;
      }
      const dir = await mkdtemp(join(tmpdir(), "single-host-units-"));
      try {
        for (const name of ["mcp-runtime.service", "mcp-sidecar.service"]) {
          // Only argv[0] of each command must exist for verify; node may live elsewhere here (nvm).
          const text = readFileSync(join(DEPLOY, name), "utf8");
          await writeFile(
            join(dir, name),
            existsSync("/usr/bin/node") ? text : text.replaceAll("/usr/bin/node ", `${process.execPath} `),
          );
        }
        const run = spawnSync(
          "systemd-analyze",
          ["verify", join(dir, "mcp-runtime.service"), join(dir, "mcp-sidecar.service")],
          { encoding: "utf8", cwd: dir },
        );
        expect({ status: run.status, stderr: run.stderr.trim() }).toEqual({ status: 0, stderr: "" });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it("name only environment variables the runtime and sidecar read, in the files their units load", async () => {
    expect(unitValue(RUNTIME_UNIT, "EnvironmentFile")).toBe("/etc/mcp-runtime/env");
    expect(unitValue(SIDECAR_UNIT, "EnvironmentFile")).toBe("/etc/mcp-runtime/sidecar.env");
    const runtimeReads = new Set([
      ...CONFIG_ENV_VARS,
      ...namesReadBy(["apps/runtime/src", "packages/config/src", "packages/telemetry/src"]),
    ]);
    const sidecarReads = namesReadBy(["apps/sidecar/src"]);
    expect(runtimeReads).toContain("MCP_CONFIG");
    const unitEnv = (unit: [string, string, string][]) =>
      unit.filter(([s, k]) => s === "Service" && k === "Environment").map(([, , v]) => v.split("=")[0] ?? "");
    for (const name of [
      ...Object.keys(RUNTIME_ENV.values),
      ...RUNTIME_ENV.commented,
      ...unitEnv(RUNTIME_UNIT),
    ])
      expect(runtimeReads, `env.example names ${name}`).toContain(name);
    for (const name of [
      ...Object.keys(SIDECAR_ENV.values),
      ...SIDECAR_ENV.commented,
      ...unitEnv(SIDECAR_UNIT),
    ])
      expect(sidecarReads, `sidecar.env.example names ${name}`).toContain(name);
    // The example configs the env files point at load with the real loaders.
    const runtimeConfig = await loadConfig({ file: join(DEPLOY, "mcp-runtime.yaml"), env: {} });
    expect(runtimeConfig.ok, JSON.stringify(runtimeConfig)).toBe(true);
    const sidecarConfig = await loadSidecarConfig(join(DEPLOY, "sidecar.yaml"));
    expect(sidecarConfig.ok, JSON.stringify(sidecarConfig)).toBe(true);
    if (sidecarConfig.ok)
      expect(sidecarConfig.config.audit.dir.startsWith(unitValue(SIDECAR_UNIT, "ReadWritePaths"))).toBe(true);
  });

  it("give the runtime more than the default shutdownGraceMs to drain (TimeoutStopSec, PM2 kill_timeout)", async () => {
    const defaults = await loadConfig({ env: {} });
    if (!defaults.ok) throw new Error("the built-in defaults do not load");
    const graceMs = defaults.config.server.shutdownGraceMs;
    expect(graceMs).toBeGreaterThan(0);
    expect(Number(unitValue(RUNTIME_UNIT, "TimeoutStopSec")) * 1000).toBeGreaterThan(graceMs);
    expect(unitValue(RUNTIME_UNIT, "KillSignal")).toBe("SIGTERM");
    expect(unitValue(RUNTIME_UNIT, "Restart")).toBe("on-failure");
    const ecosystem = readFileSync(join(DEPLOY, "ecosystem.config.cjs"), "utf8");
    expect(
      Number(/RUNTIME_KILL_TIMEOUT_MS = ([\d_]+)/.exec(ecosystem)?.[1]?.replaceAll("_", "")),
    ).toBeGreaterThan(graceMs);
  });

  it("run the runtime as the unit says: ExecStart serves, ExecStartPost's probe passes, ExecReload reloads, KillSignal drains to exit 0", async () => {
    const dir = await mkdtemp(join(tmpdir(), "single-host-runtime-"));
    const configFile = join(dir, "mcp-runtime.yaml");
    await writeFile(configFile, echoConfig());
    const env = { ...RUNTIME_ENV.values, MCP_CONFIG: configFile, MCP_PORT: String(await freePort()) };
    const cwd = unitValue(RUNTIME_UNIT, "WorkingDirectory").replace(INSTALL_HOME, REPO_ROOT);
    const runtime = spawnArgv(commandLine(unitValue(RUNTIME_UNIT, "ExecStart"), env), env, cwd);
    try {
      const exited = () =>
        runtime.child.exitCode === null ? undefined : `the runtime exited with ${runtime.child.exitCode}`;
      const log = () => `\n${runtime.stderr()}`;
      const ready = `mcp-runtime listening on http://127.0.0.1:${env.MCP_PORT}/mcp`;
      await waitFor(
        () => `the ready line${log()}`,
        async () => (runtime.stderr().includes(ready) ? true : undefined),
        60_000,
        exited,
      );
      const [probe, ...probeArgs] = commandLine(unitValue(RUNTIME_UNIT, "ExecStartPost"), env);
      expect(probe).toBe("/usr/bin/curl");
      const probed = spawnSync(probe ?? "", probeArgs, { encoding: "utf8", timeout: 60_000 });
      expect({ status: probed.status, stderr: probed.stderr }, "curl is required on the host").toEqual({
        status: 0,
        stderr: "",
      });

      const echoed = await modernCall(
        `http://127.0.0.1:${env.MCP_PORT}/mcp`,
        "tools/call",
        { name: "echo", arguments: { text: "via systemd" } },
        { name: "echo" },
      );
      expect(echoed.content).toEqual([{ type: "text", text: "via systemd" }]);

      const reload = commandLine(unitValue(RUNTIME_UNIT, "ExecReload"), {
        MAINPID: String(runtime.child.pid),
      });
      expect(reload).toEqual(["/bin/kill", "-HUP", String(runtime.child.pid)]);
      const [kill, ...killArgs] = reload;
      expect(spawnSync(kill ?? "", killArgs).status).toBe(0);
      await waitFor(
        () => `config reloaded${log()}`,
        async () => (runtime.stderr().includes('"config reloaded"') ? true : undefined),
        60_000,
        exited,
      );

      const signal = unitValue(RUNTIME_UNIT, "KillSignal") as NodeJS.Signals;
      const code = await stopped(runtime, signal, Number(unitValue(RUNTIME_UNIT, "TimeoutStopSec")) * 1000);
      expect(code, runtime.stderr()).toBe(0);
    } finally {
      runtime.child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("run the sidecar as its unit says: ExecStart serves with the env file's config, KillSignal seals and exits 0", async () => {
    const dir = await mkdtemp(join(tmpdir(), "single-host-sidecar-"));
    // The shipped sidecar.yaml with only its paths and port moved into the temp dir.
    const shipped = await readFile(join(DEPLOY, "sidecar.yaml"), "utf8");
    const sidecarFile = join(dir, "sidecar.yaml");
    await copyFile(join(DEPLOY, "mcp-runtime.yaml"), join(dir, "mcp-runtime.yaml"));
    await writeFile(
      sidecarFile,
      shipped
        .replace(/^port: \d+$/m, "port: 0")
        .replace("/var/lib/mcp-sidecar/audit", join(dir, "audit"))
        .replace("/etc/mcp-runtime/mcp-runtime.yaml", join(dir, "mcp-runtime.yaml")),
    );
    const env = { ...SIDECAR_ENV.values, MCP_SIDECAR_CONFIG: sidecarFile };
    const cwd = unitValue(SIDECAR_UNIT, "WorkingDirectory").replace(INSTALL_HOME, REPO_ROOT);
    const sidecar = spawnArgv(commandLine(unitValue(SIDECAR_UNIT, "ExecStart"), env), env, cwd);
    try {
      const base = await waitFor(
        () => `the sidecar's ready line\n${sidecar.stderr()}`,
        async () => {
          return /mcp-sidecar listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(sidecar.stderr())?.[1];
        },
      );
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      // ExecReload as written: SIGHUP re-reads and pushes the watched config; the sidecar stays up.
      const reload = commandLine(unitValue(SIDECAR_UNIT, "ExecReload"), {
        ...env,
        MAINPID: String(sidecar.child.pid),
      });
      expect(spawnSync(reload[0] as string, reload.slice(1)).status).toBe(0);
      await waitFor(
        () => `the sidecar's SIGHUP reload line\n${sidecar.stderr()}`,
        async () => (sidecar.stderr().includes("SIGHUP: config reloaded") ? true : undefined),
      );
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const signal = unitValue(SIDECAR_UNIT, "KillSignal") as NodeJS.Signals;
      const code = await stopped(sidecar, signal, Number(unitValue(SIDECAR_UNIT, "TimeoutStopSec")) * 1000);
      expect(code, sidecar.stderr()).toBe(0);
      expect(readdirSync(join(dir, "audit")).some((name) => name.endsWith(".jsonl"))).toBe(true);
    } finally {
      sidecar.child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
