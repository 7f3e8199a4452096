/**
 * @module A scale-out cluster on this machine: N `mcp-runtime serve` nodes and M `mcp-runtime
 * worker` processes on one Redis, behind an nginx (the Debian package, run unprivileged from a temp
 * prefix) that round-robins without stickiness. Shared by the acceptance test
 * (apps/runtime/test/scale-out.test.ts) and `npm run bench:scale`; the caller brings the Redis.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI_PATH = join(REPO_ROOT, "apps", "runtime", "dist", "cli.js");
const NGINX = process.env.NGINX_BIN ?? "/usr/sbin/nginx";
const SERVE_READY = /mcp-runtime listening on (http:\/\/\S+\/mcp)/;
const WORKER_READY = /mcp-runtime worker ready()/;
/** stderr kept per process: enough for a failure summary, bounded under load */
const STDERR_KEEP = 256 * 1024;

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

/** Spawns a long-lived process, keeps the tail of its stderr and resolves once `ready` matches it. */
function spawnReady(what, command, args, env, ready, capture = true) {
  const child = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const proc = {
    what,
    child,
    exited,
    stderr: () => stderr,
    tail: (lines = 30) => stderr.trimEnd().split("\n").slice(-lines).join("\n"),
    alive: () => child.exitCode === null && child.signalCode === null,
    /** sends `signal` and resolves with the exit ({ code, signal }) */
    stop(signal = "SIGTERM") {
      if (proc.alive()) child.kill(signal);
      return exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${what} did not print its ready line in 15 s:\n${proc.tail()}`));
    }, 15_000);
    let isReady = false;
    child.stderr.on("data", (chunk) => {
      if (!capture && isReady) return;
      stderr += chunk.toString();
      if (stderr.length > STDERR_KEEP) stderr = stderr.slice(-STDERR_KEEP / 2);
      const found = isReady ? null : ready.exec(stderr);
      if (found) {
        isReady = true;
        clearTimeout(timer);
        resolve(Object.assign(proc, { ready: found[1] }));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!isReady)
        reject(new Error(`${what} exited (${code ?? signal}) before it was ready:\n${proc.tail()}`));
    });
  });
}

/** One `mcp-runtime serve --transport http --port 0` node; resolves once it prints its URL. */
export async function startNode(configPath, env, name = "node") {
  const proc = await spawnReady(
    name,
    process.execPath,
    [CLI_PATH, "serve", "--transport", "http", "--host", "127.0.0.1", "--port", "0", "--config", configPath],
    env,
    SERVE_READY,
  );
  const url = proc.ready;
  return Object.assign(proc, { url, port: Number(new URL(url).port) });
}

/** One `mcp-runtime worker` process; resolves once it is ready to take jobs. */
export function startWorker(configPath, env, name = "worker") {
  return spawnReady(name, process.execPath, [CLI_PATH, "worker", "--config", configPath], env, WORKER_READY);
}

/**
 * The nginx config: round-robin over `upstreams` (host:port), no stickiness, SSE-safe (no
 * buffering either way, long read timeout), and a POST already sent upstream never retried
 * (`proxy_next_upstream` without `non_idempotent`): a failed connect moves any request to the next
 * node, a 503 (a draining node answers it to GET and DELETE) moves idempotent ones. The same
 * rules as deploy/compose/nginx.conf.
 */
export function nginxConfig(dir, port, upstreams, { accessLog = true } = {}) {
  const servers = upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=2s;`).join("\n");
  return `worker_processes 1;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  log_format upstream '$request_method $status $upstream_addr $upstream_status $request_time';
  access_log ${accessLog ? `${dir}/access.log upstream` : "off"};
  upstream mcp {
${servers}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://mcp;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 3600s;
      proxy_send_timeout 3600s;
      proxy_connect_timeout 1s;
      proxy_next_upstream error timeout http_503;
    }
  }
}
`;
}

/** nginx in the foreground on a free 127.0.0.1 port, everything it writes inside a temp prefix. */
export async function startNginx(upstreams, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), "mcp-scale-nginx-"));
  const port = await freePort();
  writeFileSync(join(dir, "nginx.conf"), nginxConfig(dir, port, upstreams, options));
  const errorLog = () => {
    try {
      return readFileSync(join(dir, "error.log"), "utf8");
    } catch {
      return "";
    }
  };
  const child = spawn(
    NGINX,
    [
      "-p",
      dir,
      "-e",
      join(dir, "error.log"),
      "-c",
      join(dir, "nginx.conf"),
      "-g",
      `daemon off; pid ${dir}/nginx.pid;`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk.toString();
  });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 5_000;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nginx exited with ${child.exitCode}:\n${stderr}${errorLog()}`);
    }
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`nginx did not listen on ${port} in 5 s:\n${stderr}${errorLog()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    dir,
    port,
    url: `http://127.0.0.1:${port}/mcp`,
    child,
    errorLog,
    accessLog: () => {
      try {
        return readFileSync(join(dir, "access.log"), "utf8");
      } catch {
        return "";
      }
    },
    tail: (lines = 30) => `${stderr}${errorLog()}`.trimEnd().split("\n").slice(-lines).join("\n"),
    async stop() {
      // SIGQUIT would wait for open SSE streams; the test is over, so SIGTERM (fast shutdown).
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port) {
  return fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) }).then(
    () => true,
    () => false,
  );
}

/**
 * Starts `nodes` serve processes and `workers` worker processes with the config at `configPath`
 * (REDIS_URL and `env` in their environment), then nginx in front of the nodes. The nodes execute
 * no jobs themselves (MCP_QUEUE_WORKER=off) unless `nodesWork` is set: killing a node then never
 * kills a running job, which is what the workers are for.
 */
export async function startCluster({
  configPath,
  redisUrl,
  nodes = 3,
  workers = 1,
  env = {},
  nodesWork = false,
  accessLog = true,
}) {
  const base = { ...process.env, REDIS_URL: redisUrl, ...env };
  const started = { nodes: [], workers: [], nginx: undefined };
  const stopAll = async () => {
    await started.nginx?.stop();
    await Promise.all([...started.nodes, ...started.workers].map((p) => p.stop("SIGKILL")));
  };
  try {
    const workerEnv = { ...base, MCP_QUEUE_LOCK_MS: base.MCP_QUEUE_LOCK_MS ?? "2000" };
    started.workers = await Promise.all(
      Array.from({ length: workers }, (_, i) => startWorker(configPath, workerEnv, `worker-${i + 1}`)),
    );
    const nodeEnv = nodesWork ? base : { ...base, MCP_QUEUE_WORKER: "off" };
    started.nodes = await Promise.all(
      Array.from({ length: nodes }, (_, i) => startNode(configPath, nodeEnv, `node-${i + 1}`)),
    );
    started.nginx = await startNginx(
      started.nodes.map((n) => `127.0.0.1:${n.port}`),
      { accessLog },
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    url: started.nginx.url,
    nginx: started.nginx,
    nodes: started.nodes,
    workers: started.workers,
    /** the last lines of every process's stderr, for a failure summary */
    tails(lines = 30) {
      return [...started.nodes, ...started.workers, { what: "nginx", tail: started.nginx.tail }]
        .map((p) => `--- ${p.what} (last ${lines} lines of stderr)\n${p.tail(lines)}`)
        .join("\n");
    },
    stop: stopAll,
  };
}
