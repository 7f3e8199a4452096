/**
 * @module Spawns a built CLI (`node <args>`) and waits for the ready line it prints on stderr, as
 * the CLI contract promises for both `mcp-runtime` and `mcp-sidecar`.
 */
import { type ChildProcess, spawn } from "node:child_process";

export interface ReadyProcess {
  readonly child: ChildProcess;
  /** the first capture group of the ready line */
  readonly ready: string;
  /** everything written on stderr so far */
  stderr(): string;
  /** resolves with the exit code */
  readonly exited: Promise<number | null>;
}

export async function spawnReady(
  args: string[],
  readyLine: RegExp,
  what: string,
  env?: NodeJS.ProcessEnv,
): Promise<ReadyProcess> {
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "ignore", "pipe"],
    ...(env ? { env } : {}),
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} did not print its ready line in 15 s:\n${stderr}`)),
      15_000,
    );
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = readyLine.exec(stderr);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  return { child, ready, stderr: () => stderr, exited };
}
