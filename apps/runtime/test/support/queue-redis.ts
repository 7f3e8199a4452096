/**
 * @module A real redis-server for tests: REDIS_URL when set, else one started on a free port
 * (no snapshots; AOF on request, for restart tests). Missing binary is a failure with the fix.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestRedis {
  readonly url: string;
  /** stops and starts the server on the same port and data dir (only for servers we started) */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function waitUp(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    try {
      if (
        execFileSync("redis-cli", ["-p", String(port), "ping"])
          .toString()
          .trim() === "PONG"
      )
        return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("redis-server did not answer PING in 5 s");
}

export async function startRedis(options: { appendonly?: boolean } = {}): Promise<TestRedis> {
  const given = process.env.REDIS_URL;
  if (given && !options.appendonly) return { url: given, restart: async () => {}, stop: async () => {} };
  try {
    execFileSync("redis-server", ["--version"]);
  } catch {
    throw new Error("redis-server is not installed: apt-get install redis-server (or set REDIS_URL)");
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "mcp-queue-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir];
  args.push(
    ...(options.appendonly ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]),
  );
  let child = spawn("redis-server", args, { stdio: "ignore" });
  await waitUp(port, child);
  const stopChild = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs = 500) {
      await stopChild();
      await new Promise((r) => setTimeout(r, downMs));
      child = spawn("redis-server", args, { stdio: "ignore" });
      await waitUp(port, child);
    },
    async stop() {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
