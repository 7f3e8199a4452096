/**
 * @module Starts the real CLI over HTTP on a free port (`--port 0`), waits for the ready line the
 * CLI contract promises on stderr, and stops it with SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_PATH } from "./paths.js";

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
  const child = spawn(
    process.execPath,
    [CLI_PATH, "serve", "--transport", "http", "--port", "0", "--config", configPath, ...extraArgs],
    {
      stdio: ["ignore", "ignore", "pipe"],
      ...(options.env ? { env: options.env } : {}),
    },
  );
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`runtime did not print its ready line in 15 s:\n${stderr}`)),
      15_000,
    );
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = READY.exec(stderr);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`runtime exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  return {
    port: Number(new URL(url).port),
    url,
    process: child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const code = await exited;
      await rm(dir, { recursive: true, force: true });
      return code;
    },
  };
}
