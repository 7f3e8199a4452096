/**
 * @module Running `mcp-runtime` subcommands in tests: a CliIo that collects what a command writes
 * (for calling command functions in process) and the built CLI as a subprocess (exit code and
 * output whatever the code).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { CliIo } from "../../src/commands/io.js";
import { CLI_PATH } from "./paths.js";

const exec = promisify(execFile);

export interface CapturedIo extends CliIo {
  out: string;
  err: string;
}

export function captureIo(): CapturedIo {
  const io = {
    out: "",
    err: "",
    interactive: false,
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI; resolves with its exit code and output whatever the code. */
export async function runCli(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI_PATH, ...args], {
      timeout: 30_000,
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    return { code: 0, stdout, stderr };
  } catch (cause) {
    const failed = cause as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}
