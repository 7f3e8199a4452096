/**
 * @module The policy figures of `npm run bench -- --policy`: configs for the echo targets with the
 * memory and the Redis limiter on (limits set so high that nothing is refused: the price of the
 * check itself), a private redis-server for the latter, and the read probe (cached vs uncached
 * `resources/read` of a 1 KB plugin resource, wrk against the runtime, same pinning as the harness:
 * server on core 0, load on core 1).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./probes.mjs";
import { startRuntime } from "./runtime-process.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const READ_PLUGIN = join(here, "fixtures", "read-plugin");
/** Limits no benchmark load reaches: every call is checked, none refused. */
export const HIGH = { rps: 1e9, burst: 1e9 };

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

/**
 * redis-server on a free port with no persistence, in `workDir/redis`, answering PING (`cpu` pins
 * it to that core). Shared with `npm run soak`.
 */
export async function spawnRedis(workDir, { cpu } = {}) {
  if (spawnSync("sh", ["-c", "command -v redis-server"]).status !== 0)
    throw new Error("redis-server is missing: apt-get install -y redis-server");
  const port = await freePort();
  const dir = join(workDir, "redis");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
  ];
  const child =
    cpu === undefined
      ? spawn("redis-server", args, { stdio: "ignore" })
      : spawn("taskset", ["-c", String(cpu), "redis-server", ...args], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    const ping = spawnSync("redis-cli", ["-p", String(port), "ping"]);
    if (ping.stdout?.toString().trim() === "PONG") return { child, url: `redis://127.0.0.1:${port}` };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error("redis-server did not answer PING within 5 s");
}

/** redis-server for the limiter probes, pinned off the server's core. */
export async function startBenchRedis(workDir) {
  const { child, url } = await spawnRedis(workDir, { cpu: 1 });
  return { url, stop: () => child.kill("SIGTERM") };
}

/** Config files for the two limiter targets of the harness. */
export function limiterConfigs(workDir, redisUrl) {
  const write = (name, extra) => {
    const file = join(workDir, `echo-${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        plugins: [{ package: "@mcp-runtime/plugin-echo" }],
        telemetry: { logLevel: "warn" },
        ...extra,
      }),
    );
    return file;
  };
  const limits = { perClient: HIGH, perTool: { echo: HIGH } };
  return {
    memory: write("limits-memory", { limits }),
    redis: write("limits-redis", { limits: { ...limits, backend: "redis" }, redis: { url: redisUrl } }),
  };
}

function wrk(url, seconds) {
  const run = spawnSync(
    "taskset",
    ["-c", "1", "wrk", "-t1", "-c32", `-d${seconds}s`, "-s", join(here, "resources-read.lua"), url],
    { encoding: "utf8" },
  );
  const line = /MCPB_READ (\{.*\})/.exec(run.stdout ?? "");
  if (!line) throw new Error(`wrk printed no result:\n${run.stdout}\n${run.stderr}`);
  const result = JSON.parse(line[1]);
  return { rps: result.requests / (result.duration_us / 1e6), p99Ms: result.p99_us / 1000, bad: result.bad };
}

/** One runtime serving the read plugin with `cache`, pinned to core 0, measured after a warm-up. */
async function measureRead(repoRoot, workDir, cache, seconds) {
  const runtime = await startRuntime(repoRoot, workDir, {
    plugins: [{ path: READ_PLUGIN }],
    cache,
    telemetry: { logLevel: "warn" },
  });
  try {
    spawnSync("taskset", ["-a", "-cp", "0", String(runtime.pid)], { stdio: "ignore" });
    wrk(runtime.url, 3);
    return wrk(runtime.url, seconds);
  } finally {
    await runtime.stop();
  }
}

/** Cached ÷ uncached `resources/read` req/s, per run and the median. */
export async function readProbe(repoRoot, workDir, { runs, seconds }) {
  const perRun = [];
  for (let i = 0; i < runs; i++) {
    const cached = await measureRead(repoRoot, workDir, {}, seconds);
    const uncached = await measureRead(repoRoot, workDir, { resources: false }, seconds);
    perRun.push({ cached, uncached, ratio: cached.rps / uncached.rps });
  }
  return { perRun, medianRatio: median(perRun.map((r) => r.ratio)) };
}
