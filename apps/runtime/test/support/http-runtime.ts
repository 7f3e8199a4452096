/**
 * @module Starts the real CLI over HTTP on a free port (`--port 0`), waits for the ready line the
 * CLI contract promises on stderr, and stops it with SIGTERM.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_PATH } from "./paths.js";
import { spawnReady } from "./ready-process.js";

export interface HttpRuntime {
  readonly port: number;
  /** `http://127.0.0.1:PORT/mcp` as printed by the CLI */
  readonly url: string;
  readonly process: ChildProcess;
  /** everything the CLI wrote on stderr so far */
  stderr(): string;
  /** SIGTERM, then waits for exit; resolves with the exit code */
  stop(): Promise<number | null>;
}

const READY = /mcp-runtime listening on (http:\/\/[^\s]+\/mcp)/;

export interface HttpRuntimeOptions {
  /** environment of the runtime process (default: this process's) */
  env?: NodeJS.ProcessEnv;
  /** serve this config file (the test owns it) instead of writing `config` to a temporary one */
  file?: string;
}

export async function startHttpRuntime(
  config: Record<string, unknown>,
  extraArgs: string[] = [],
  options: HttpRuntimeOptions = {},
): Promise<HttpRuntime> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-runtime-http-"));
  const configPath = options.file ?? join(dir, "config.json");
  if (options.file === undefined)
    await writeFile(configPath, JSON.stringify({ telemetry: { logLevel: "warn" }, ...config }));
  const started = await spawnReady(
    [CLI_PATH, "serve", "--transport", "http", "--port", "0", "--config", configPath, ...extraArgs],
    READY,
    "runtime",
    options.env,
  );
  const { child, ready: url, exited } = started;
  return {
    port: Number(new URL(url).port),
    url,
    process: child,
    stderr: started.stderr,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const code = await exited;
      await rm(dir, { recursive: true, force: true });
      return code;
    },
  };
}
