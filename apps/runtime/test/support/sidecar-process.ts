/**
 * @module Starts the real `mcp-sidecar` CLI on a free port with a config file in a temporary
 * folder, waits for its ready line, and stops it with SIGTERM (which seals the audit file).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { SIDECAR_CLI } from "./paths.js";

export interface SidecarProcess {
  readonly url: string;
  /** `ws://…` for a runtime's `telemetry.sidecar` */
  readonly wsUrl: string;
  readonly process: ChildProcess;
  stderr(): string;
  /** the audit files, in chain order */
  auditFiles(): Promise<string[]>;
  stop(): Promise<number | null>;
}

const READY = /mcp-sidecar listening on (http:\/\/[^\s]+)/;

/** `args` are the CLI's (e.g. `--config FILE`), after a `--port 0` they may override. */
export async function startSidecarProcess(
  args: string[],
  auditDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SidecarProcess> {
  const child = spawn(process.execPath, [SIDECAR_CLI, "--port", "0", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    env,
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sidecar not ready in 15 s:\n${stderr}`)), 15_000);
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
      reject(new Error(`sidecar exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  return {
    url,
    wsUrl: url.replace(/^http/, "ws"),
    process: child,
    stderr: () => stderr,
    async auditFiles() {
      const names = (await readdir(auditDir)).filter((name) => name.endsWith(".jsonl")).sort();
      return names.map((name) => join(auditDir, name));
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
