/**
 * @module Starts the real `mcp-sidecar` CLI on a free port with a config file in a temporary
 * folder, waits for its ready line, and stops it with SIGTERM (which seals the audit file).
 */
import type { ChildProcess } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { SIDECAR_CLI } from "./paths.js";
import { spawnReady } from "./ready-process.js";

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
  const started = await spawnReady([SIDECAR_CLI, "--port", "0", ...args], READY, "sidecar", env);
  const { child, ready: url, exited } = started;
  return {
    url,
    wsUrl: url.replace(/^http/, "ws"),
    process: child,
    stderr: started.stderr,
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
