#!/usr/bin/env node
/**
 * @module `npm run test:deploy`: builds both images from deploy/Dockerfile, brings the Compose stack
 * (deploy/compose) up with podman-compose, calls `echo` through the load balancer with the official
 * v2 SDK client (2026-07-28, stateless: round-robin is fine), finds the calls in the sidecar's audit
 * log and on its dashboard (published port, admin-token login, the page's security headers, the
 * bundled assets), and tears everything down, also on failure. Follows /work/shared/CONTAINERS.md (podman as
 * root, stand-in base images, a health-check loop beside Compose). Not part of `npm test`.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PROJECT = "mcp-deploy-test";
const COMPOSE_FILE = join(ROOT, "deploy/compose/compose.yaml");
const TAG = "0.1.0-mcp2026-07-28";
const IMAGES = {
  runtime: `ghcr.io/mcp-runtime/runtime:${TAG}`,
  sidecar: `ghcr.io/mcp-runtime/sidecar:${TAG}`,
};
// Everything but the "observability" profile: podman-compose 1.0.3 ignores profiles, so the
// services are named (the collector's image cannot be pulled or built here).
const SERVICES = ["redis", "sidecar", "runtime", "worker", "lb"];
const CALLS = 8;
const HEALTHY_TIMEOUT_MS = 120_000;

const started = performance.now();
const timings = [];

function log(message) {
  process.stderr.write(`test:deploy: ${message}\n`);
}

/** Runs a command; resolves with its output, rejects with the tail of it on a non-zero exit. */
function run(command, args, { env, quiet = true, timeoutMs = 15 * 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (stream, target) =>
      stream.on("data", (chunk) => {
        output += chunk;
        if (!quiet) target.write(chunk);
      });
    collect(child.stdout, process.stdout);
    collect(child.stderr, process.stderr);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (cause) => {
      clearTimeout(timer);
      reject(new Error(`${command}: ${cause.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else {
        const tail = output.trimEnd().split("\n").slice(-25).join("\n");
        reject(new Error(`${command} ${args.join(" ")} exited with ${code}\n${tail}`));
      }
    });
  });
}

async function phase(name, action) {
  const t0 = performance.now();
  log(`${name} ...`);
  try {
    return await action();
  } finally {
    const seconds = (performance.now() - t0) / 1000;
    timings.push([name, seconds]);
    log(`${name}: ${seconds.toFixed(1)} s`);
  }
}

const compose = (args, env) => run("podman-compose", ["-p", PROJECT, "-f", COMPOSE_FILE, ...args], { env });

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The published dashboard: the login page with its CSP, the admin-token login (a same-origin form
 * post), the bundled page and its script (no CDN: they come from the image), and the echo calls
 * in the snapshot's tool table.
 */
async function dashboardEchoCalls(origin, token, calls) {
  const login = await fetch(`${origin}/login`);
  const csp = login.headers.get("content-security-policy") ?? "";
  if (!login.ok || !csp.includes("default-src 'none'") || csp.includes("unsafe-inline"))
    throw new Error(`GET /login: HTTP ${login.status}, CSP "${csp}"`);
  const answer = await fetch(`${origin}/auth/token`, {
    method: "POST",
    redirect: "manual",
    headers: { origin, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }),
  });
  const cookie = (answer.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
  if (answer.status !== 303 || cookie === "") throw new Error(`POST /auth/token: HTTP ${answer.status}`);
  const page = await fetch(`${origin}/`, { headers: { cookie } });
  const html = await page.text();
  const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1];
  if (!page.ok || script === undefined) throw new Error(`GET /: HTTP ${page.status}, no script tag`);
  const bundle = await fetch(new URL(script, origin), { headers: { cookie } });
  if (!bundle.ok || (await bundle.text()).length < 1000)
    throw new Error(`GET ${script}: HTTP ${bundle.status}`);
  const found = await waitUntil(
    `${calls} echo calls in the dashboard's snapshot`,
    async () => {
      const snapshot = await (await fetch(`${origin}/api/snapshot`, { headers: { cookie } })).json();
      const echo = snapshot.tools?.find((t) => t.tool === "echo");
      return { ok: (echo?.calls ?? 0) >= calls, detail: `echo: ${echo?.calls ?? 0} calls`, echo };
    },
    30_000,
  );
  return `${found.echo.calls} echo calls in the last minute, p99 ${found.echo.p99} ms, page script ${script}`;
}

async function projectContainers(service) {
  const filters = ["--filter", `label=io.podman.compose.project=${PROJECT}`];
  if (service) filters.push("--filter", `label=com.docker.compose.service=${service}`);
  const out = await run("podman", ["ps", "-a", "-q", ...filters]);
  return out.split("\n").filter(Boolean);
}

/** Health checks do not run by themselves here (no systemd): run them every 2 s (recipe item 6). */
function startHealthLoop() {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const ids = await projectContainers().catch(() => []);
      // One at a time, as in the recipe, each bounded: a check that hangs must not stall the others.
      for (const id of ids) {
        if (stopped) break;
        await run("podman", ["healthcheck", "run", id], { timeoutMs: 15_000 }).catch(() => {});
      }
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

async function healthOf(id) {
  const out = await run("podman", [
    "inspect",
    "--format",
    "{{.Name}} {{.State.Status}} {{if .State.Healthcheck}}{{.State.Healthcheck.Status}}{{end}}",
    id,
  ]);
  const [name, status, health] = out.trim().split(/\s+/);
  return { name, status, health: health ?? "none" };
}

async function waitUntil(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  let nextReport = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const result = await check().catch((cause) => ({ ok: false, detail: String(cause?.message ?? cause) }));
    if (result.ok) return result;
    last = result.detail;
    if (Date.now() >= nextReport) {
      log(`still waiting for ${what}: ${last}`);
      nextReport = Date.now() + 10_000;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}: ${last}`);
}

async function loadClient() {
  // The SDK is a devDependency of apps/runtime: resolve it from there, not from wherever npm hoisted it.
  const require = createRequire(join(ROOT, "apps/runtime/package.json"));
  const entry = require.resolve("@modelcontextprotocol/client");
  const mjs = entry.replace(/\.cjs$/, ".mjs");
  return import(pathToFileURL(mjs).href);
}

async function callEcho(endpoint) {
  const { Client, StreamableHTTPClientTransport } = await loadClient();
  const client = new Client(
    { name: "test-deploy", version: "1.0.0" },
    { versionNegotiation: { mode: "auto" } },
  );
  await client.connect(new StreamableHTTPClientTransport(endpoint));
  try {
    const version = client.getNegotiatedProtocolVersion();
    if (version !== "2026-07-28") throw new Error(`negotiated ${version}, expected 2026-07-28`);
    const texts = [];
    for (let i = 0; i < CALLS; i++) {
      const text = `hello through the lb #${i} ${Date.now()}`;
      const result = await client.callTool({ name: "echo", arguments: { text } });
      const got = result.content?.[0]?.text;
      if (result.isError || got !== text) {
        throw new Error(`echo #${i} returned ${JSON.stringify(result)}, expected ${JSON.stringify(text)}`);
      }
      texts.push(text);
    }
    return { version, calls: texts.length };
  } finally {
    await client.close();
  }
}

async function auditedEchoCalls(sidecarId) {
  const out = await run("podman", [
    "exec",
    sidecarId,
    "sh",
    "-c",
    "cat /var/lib/mcp-sidecar/audit/*.jsonl 2>/dev/null || true",
  ]);
  const records = out
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
  return records.filter((r) => r.type === "tool_call" && String(r.tool).split(/[./:]/).pop() === "echo");
}

async function dumpLogs() {
  for (const id of await projectContainers().catch(() => [])) {
    const { name, status, health } = await healthOf(id).catch(() => ({ name: id, status: "?", health: "?" }));
    const logs = await run("podman", ["logs", "--tail", "25", id]).catch((cause) => cause.message);
    process.stderr.write(`\n--- ${name} (${status}, ${health}) ---\n${logs}`);
  }
}

async function teardown({ removeImages = Boolean(process.env.CI) } = {}) {
  await compose(["down", "-v", "-t", "2"]).catch((cause) => log(`compose down: ${cause.message}`));
  for (const id of await projectContainers().catch(() => [])) {
    await run("podman", ["rm", "-f", "-t", "2", id]).catch(() => {});
  }
  const label = `label=io.podman.compose.project=${PROJECT}`;
  const volumes = await run("podman", ["volume", "ls", "-q", "--filter", label]).catch(() => "");
  for (const volume of volumes.split("\n").filter(Boolean)) {
    await run("podman", ["volume", "rm", "-f", volume]).catch(() => {});
  }
  for (const network of [`${PROJECT}_default`]) {
    await run("podman", ["network", "rm", "-f", network]).catch(() => {});
  }
  if (removeImages) {
    // The built images and their dangling build stages; the stand-ins stay for the next run.
    await run("podman", ["rmi", "-f", IMAGES.runtime, IMAGES.sidecar]).catch(() => {});
    await run("podman", ["image", "prune", "-f"]).catch(() => {});
  }
}

async function main() {
  await phase("podman setup", () =>
    run("bash", [join(ROOT, "tools/deploy/podman-setup.sh")], { quiet: false }),
  );
  const revision = (await run("git", ["rev-parse", "HEAD"]).catch(() => "unknown")).trim();
  for (const [target, image] of Object.entries(IMAGES)) {
    await phase(`build ${target} image`, () =>
      run("podman", [
        "build",
        "--format",
        "docker", // the OCI format drops HEALTHCHECK
        "-f",
        "deploy/Dockerfile",
        "--target",
        target,
        "--build-arg",
        `REVISION=${revision}`,
        "-t",
        image,
        ".",
      ]),
    );
  }
  await phase("check-config deploy/compose/runtime.yaml in the image", () =>
    run("podman", [
      "run",
      "--rm",
      "--read-only",
      "--tmpfs",
      "/tmp",
      "-v",
      `${join(ROOT, "deploy/compose/runtime.yaml")}:/etc/mcp-runtime/config.yaml:ro`,
      IMAGES.runtime,
      "check-config",
      "/etc/mcp-runtime/config.yaml",
    ]),
  );

  const collector = /image:\s*(\S*opentelemetry-collector\S*)/.exec(readFileSync(COMPOSE_FILE, "utf8"))?.[1];
  log(
    `otel-collector (profile "observability") is left out: its image ${collector ?? "(none named)"}, ` +
      "which compose.yaml names, cannot be pulled or built on this machine",
  );

  const port = await freePort();
  const dashboardPort = await freePort();
  const adminToken = randomBytes(24).toString("hex");
  const env = {
    MCP_PUBLISHED_PORT: String(port),
    MCP_BIND_ADDRESS: "127.0.0.1",
    MCP_DASHBOARD_PORT: String(dashboardPort),
    MCP_DASHBOARD_BIND_ADDRESS: "127.0.0.1",
    MCP_SIDECAR_ADMIN_TOKEN: adminToken,
    MCP_SIDECAR_COOKIE_SECRET: randomBytes(32).toString("hex"),
  };
  await teardown({ removeImages: false }); // leftovers of an interrupted run
  let stopHealthLoop = async () => {};
  try {
    await phase(`compose up (${SERVICES.join(", ")})`, () => compose(["up", "-d", ...SERVICES], env));
    stopHealthLoop = startHealthLoop();
    const base = `http://127.0.0.1:${port}`;
    await phase(`GET ${base}/healthz through the lb`, () =>
      waitUntil(
        "/healthz through the load balancer",
        async () => {
          const response = await fetch(`${base}/healthz`);
          return { ok: response.ok, detail: `HTTP ${response.status}` };
        },
        HEALTHY_TIMEOUT_MS,
      ),
    );
    await phase("every container healthy", () =>
      waitUntil(
        "every container to be healthy",
        async () => {
          const ids = await projectContainers();
          const states = await Promise.all(ids.map(healthOf));
          const expected = SERVICES.length + 1; // two runtime replicas
          const bad = states.filter((s) => s.status !== "running" || s.health !== "healthy");
          const detail = states.map((s) => `${s.name}=${s.status}/${s.health}`).join(" ");
          return { ok: ids.length === expected && bad.length === 0, detail, states };
        },
        HEALTHY_TIMEOUT_MS,
      ).then((result) => log(result.detail)),
    );
    const { version, calls } = await phase(`${CALLS} echo calls through the lb (SDK v2)`, () =>
      callEcho(new URL("/mcp", base)),
    );
    log(`${calls} echo calls answered in ${version}`);
    const [sidecarId] = await projectContainers("sidecar");
    if (!sidecarId) throw new Error("no sidecar container");
    const audited = await phase("tool_call records in the sidecar's audit log", () =>
      waitUntil(
        `${calls} tool_call records for echo`,
        async () => {
          const records = await auditedEchoCalls(sidecarId);
          return { ok: records.length >= calls, detail: `${records.length} found`, records };
        },
        30_000,
      ),
    );
    const nodes = new Set(audited.records.map((r) => r.src?.node).filter(Boolean));
    log(`${audited.records.length} tool_call records for echo, from ${nodes.size} runtime node(s)`);
    const shown = await phase("the calls on the sidecar's dashboard", () =>
      dashboardEchoCalls(`http://127.0.0.1:${dashboardPort}`, adminToken, calls),
    );
    log(`dashboard: ${shown}`);
    await stopHealthLoop();
  } catch (cause) {
    await stopHealthLoop();
    await dumpLogs();
    throw cause;
  } finally {
    await phase("teardown", () => teardown());
  }
}

main().then(
  () => {
    const total = (performance.now() - started) / 1000;
    log(`timings: ${timings.map(([name, s]) => `${name} ${s.toFixed(1)} s`).join("; ")}`);
    log(`PASS in ${total.toFixed(1)} s (stand-in base images: this proves deploy/, not the upstream images)`);
  },
  (cause) => {
    const total = (performance.now() - started) / 1000;
    log(`timings: ${timings.map(([name, s]) => `${name} ${s.toFixed(1)} s`).join("; ")}`);
    log(`FAIL after ${total.toFixed(1)} s: ${cause instanceof Error ? cause.message : String(cause)}`);
    process.exitCode = 1;
  },
);
