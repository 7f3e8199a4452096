/**
 * The `mcp-sidecar` command as operators use it: every subcommand answers --help, a config with an
 * unknown key is refused with its path, the server answers /healthz, /readyz and /metrics, and the
 * runtime socket refuses browsers (an Origin header) and, with MCP_SIDECAR_TOKEN set, a wrong token.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
if (!existsSync(CLI))
  throw new Error(`${CLI} is missing: run \`npm run build\` at the repository root first`);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcp-sidecar-cli-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function run(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env, timeout: 15_000 });
}

async function start(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, ...args, "--port", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
    env,
  });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /mcp-sidecar listening on (http:\/\/\S+)/.exec(stderr);
      if (found?.[1]) resolve(found[1]);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { url, child };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

describe("mcp-sidecar --help", () => {
  it.each([[["--help"]], [["serve", "--help"]], [["audit", "--help"]], [["audit", "verify", "--help"]]])(
    "%j prints usage and exits 0",
    (args) => {
      const result = run(args);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/usage/i);
    },
  );

  it("exits 2 with a hint on an unknown command", () => {
    const result = run(["frobnicate"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });
});

describe("mcp-sidecar config", () => {
  it("refuses unknown keys and wrong types with their paths, exit 1", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(file, "audit:\n  dir: ./a\n  rotate: daily\nport: eighty\n");
    const result = run(["--config", file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("audit");
    expect(result.stderr).toContain("rotate");
    expect(result.stderr).toMatch(/^port: /m);
  });

  it("refuses a capture file bound larger than the folder's bound, at its path", async () => {
    const file = join(dir, "capture.yaml");
    await writeFile(file, "capture:\n  maxBytes: 1000\n  fileMaxBytes: 2000\n");
    const result = run(["--config", file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^capture\.fileMaxBytes: must not exceed capture\.maxBytes$/m);
  });
});

describe("mcp-sidecar serve", () => {
  it("answers /healthz, /readyz and /metrics, and seals the audit file on SIGTERM", async () => {
    const file = join(dir, "ok.yaml");
    await writeFile(file, "audit: { dir: ./ok-audit }\n");
    const { url, child } = await start(["--config", file]);
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ok", runtimes: 0 });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain("# TYPE mcp_sidecar_runtimes_connected gauge");
      expect((await fetch(`${url}/nope`)).status).toBe(404);
    } finally {
      expect(await stop(child)).toBe(0);
    }
    const files = (await readdir(join(dir, "ok-audit"))).filter((name) => name.endsWith(".jsonl"));
    expect(files).toHaveLength(1);
    const verified = run(["audit", "verify", join(dir, "ok-audit", files[0] as string)]);
    expect(verified.status).toBe(0);
  });

  it("refuses a WebSocket upgrade from a browser (Origin) and one without the configured token", async () => {
    const file = join(dir, "token.yaml");
    await writeFile(file, "audit: { dir: ./token-audit }\n");
    const { url, child } = await start(["--config", file], {
      ...process.env,
      MCP_SIDECAR_TOKEN: "s3cret-token",
    });
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(url.replace(/^http/, "ws"), { headers });
        socket.on("open", () => {
          socket.close();
          resolve(101);
        });
        socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        socket.on("error", () => {});
      });
    try {
      expect(await status({ authorization: "Bearer s3cret-token", origin: "http://evil.example" })).toBe(403);
      expect(await status({ authorization: "Bearer wrong" })).toBe(401);
      expect(await status({})).toBe(401);
      expect(await status({ authorization: "Bearer s3cret-token" })).toBe(101);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it("acks a batch, refuses (and counts) events with fields the log reserves, and survives bad frames", async () => {
    const file = join(dir, "hostile.yaml");
    await writeFile(file, "audit: { dir: ./hostile-audit }\n");
    const { url, child } = await start(["--config", file]);
    try {
      const socket = new WebSocket(url.replace(/^http/, "ws"));
      await new Promise((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
      });
      const replies: unknown[] = [];
      socket.on("message", (data) => replies.push(JSON.parse(String(data))));
      socket.send(JSON.stringify({ type: "hello", node: "n1", pid: 1, version: "test" }));
      const good = {
        type: "tool_call",
        ts: Date.now(),
        tool: "echo",
        era: "modern",
        outcome: "ok",
        durationMs: 1,
      };
      socket.send(
        JSON.stringify({
          type: "events",
          seq: 1,
          events: [good, { ...good, hash: "f".repeat(64) }, { nope: 1 }],
        }),
      );
      const deadline = Date.now() + 5_000;
      while (replies.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(replies).toEqual([{ type: "ack", seq: 1 }]);
      const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
      socket.send("not json");
      expect(await closed).toBe(1008);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/^mcp_sidecar_events_received_total 1$/m);
      expect(metrics).toMatch(/^mcp_sidecar_events_rejected_total 2$/m);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });
});

describe("mcp-sidecar SIGHUP", () => {
  it("re-reads and pushes the watched config, stays up, and audits the reload (systemd/PM2 reload)", async () => {
    const runtimeConfig = join(dir, "watched-runtime.yaml");
    await writeFile(runtimeConfig, "server: { transport: http }\n");
    const file = join(dir, "hup.yaml");
    await writeFile(file, `audit: { dir: ./hup-audit }\nwatch: ${JSON.stringify(runtimeConfig)}\n`);
    const { url, child } = await start(["--config", file]);
    const auditDir = join(dir, "hup-audit");
    const reloads = async () => {
      const names = (await readdir(auditDir)).filter((name) => name.endsWith(".jsonl"));
      const lines = (await Promise.all(names.map((name) => readFile(join(auditDir, name), "utf8"))))
        .join("")
        .split("\n")
        .filter((line) => line.includes('"reload-config"'));
      return lines.map((line) => JSON.parse(line) as { actor: string; detail?: { ok?: boolean } });
    };
    try {
      child.kill("SIGHUP");
      const deadline = Date.now() + 5_000;
      while ((await reloads()).length === 0 && Date.now() < deadline) await sleep(50);
      const [reload] = await reloads();
      expect(reload).toMatchObject({ actor: "signal:SIGHUP", detail: { ok: true } });
      expect(child.exitCode).toBeNull();
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });
});
