/**
 * @module What every `mcp-runtime` subcommand writes through: stdout for results (JSON with
 * `--json`), stderr for progress and diagnostics. Colour only when the stream is a TTY and
 * NO_COLOR is unset, so pipes and CI logs stay plain.
 */

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** stderr is a terminal: spinners and colour are allowed there. */
  readonly interactive: boolean;
}

/**
 * Exit codes shared by every subcommand (documented in `mcp-runtime --help` and docs/cli.md).
 * 0 done; 1 what was checked failed (invalid config, tool isError, catalog drift, doctor error);
 * 2 usage error; 3 could not start or reach what the command needs (runtime start-up, a URL).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY === true && !process.env.NO_COLOR,
  };
}
