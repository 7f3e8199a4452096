/**
 * @module `mcp-runtime call TOOL [--args JSON] [--config F | --url URL] [--json] [--timeout-ms N]`:
 * calls one tool, by default on the config's runtime started in this process (what `serve` would
 * run, without a transport), with --url on a served one over Streamable HTTP (bearer from MCP_TOKEN).
 * Exit 0 ok; 1 the tool answered isError, is unknown, timed out, or the config is invalid;
 * 2 usage; 3 the runtime could not start, the URL could not be reached or refused the token.
 */
import type { CallToolResult } from "@mcp-runtime/protocol";
import { LocalRuntimeError } from "../local/errors.js";
import { parseToolArgs } from "./call-args.js";
import { renderResult } from "./call-render.js";
import { type CallTarget, CallTargetError, localTarget } from "./call-target.js";
import { type CliIo, EXIT, type ExitCode } from "./io.js";

export interface CallOptions {
  config?: string;
  /** the tool's arguments, a JSON object */
  args?: string;
  url?: string;
  json?: boolean;
  timeoutMs?: number;
}

const HINT = 'Run "mcp-runtime call --help" for usage.';

export async function call(tool: string, options: CallOptions, io: CliIo): Promise<ExitCode> {
  const usage = (message: string): ExitCode => {
    io.stderr(`mcp-runtime: ${message}\n${HINT}\n`);
    return EXIT.usage;
  };
  if (tool === "") return usage("call needs the name of a TOOL");
  const args = parseToolArgs(options.args);
  if (!args.ok) return usage(args.message);
  const { timeoutMs } = options;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0))
    return usage(`--timeout-ms must be a positive integer, got ${String(timeoutMs)}`);
  if (options.url !== undefined && options.config !== undefined)
    return usage("--config and --url are exclusive: --url calls a runtime that is already serving");
  let url: URL | undefined;
  if (options.url !== undefined) {
    url = URL.canParse(options.url) ? new URL(options.url) : undefined;
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:"))
      return usage(`--url must be an http(s) URL, got ${JSON.stringify(options.url)}`);
  }

  let target: CallTarget;
  try {
    target = await withSpinner(io, url ? `connecting to ${url.href}` : "starting the runtime", () =>
      url ? connect(url) : startLocal(options.config),
    );
  } catch (cause) {
    return failed(io, cause);
  }
  try {
    const result = await target.callTool(tool, args.value, timeoutMs);
    return print(io, tool, result, options.json === true);
  } catch (cause) {
    if (cause instanceof CallTargetError && cause.code === "ERR_CALL_UNKNOWN_TOOL") {
      const names = await target.listToolNames().catch(() => undefined);
      const known =
        names === undefined
          ? ""
          : names.length === 0
            ? "; it serves no tools"
            : `; tools: ${names.sort().join(", ")}`;
      io.stderr(`mcp-runtime: unknown tool ${JSON.stringify(tool)}${known}\n`);
      return EXIT.failed;
    }
    return failed(io, cause);
  } finally {
    await target.close().catch(() => {});
  }
}

async function connect(url: URL): Promise<CallTarget> {
  const { connectRemote } = await import("./call-remote.js");
  const token = process.env.MCP_TOKEN;
  return connectRemote(url, token === undefined || token === "" ? undefined : token);
}

async function startLocal(config: string | undefined): Promise<CallTarget> {
  const { startLocalRuntime } = await import("../local/local-runtime.js");
  try {
    // No configFile: the one `serve` would choose ($MCP_CONFIG, ./mcp-runtime.yaml, the bundled default).
    return localTarget(await startLocalRuntime(config === undefined ? {} : { configFile: config }));
  } catch (cause) {
    if (cause instanceof LocalRuntimeError)
      throw new CallTargetError(
        cause.code === "ERR_LOCAL_CONFIG" ? "ERR_CALL_CONFIG" : "ERR_CALL_UNAVAILABLE",
        cause.message,
        { cause },
      );
    throw cause;
  }
}

function print(io: CliIo, tool: string, result: CallToolResult, json: boolean): ExitCode {
  io.stdout(json ? `${JSON.stringify(result, null, 2)}\n` : renderResult(result));
  if (result.isError !== true) return EXIT.ok;
  io.stderr(`mcp-runtime: ${tool} answered with an error (isError)\n`);
  return EXIT.failed;
}

function failed(io: CliIo, cause: unknown): ExitCode {
  const message = cause instanceof Error ? cause.message : String(cause);
  io.stderr(`mcp-runtime: ${message}\n`);
  if (!(cause instanceof CallTargetError)) return EXIT.unavailable;
  return cause.code === "ERR_CALL_UNAVAILABLE" || cause.code === "ERR_CALL_UNAUTHORIZED"
    ? EXIT.unavailable
    : EXIT.failed;
}

/** A spinner on stderr while `work` runs, only on a terminal. */
async function withSpinner<T>(io: CliIo, text: string, work: () => Promise<T>): Promise<T> {
  if (!io.interactive) return work();
  const { createSpinner } = await import("nanospinner");
  const spinner = createSpinner(text, { stream: process.stderr }).start();
  try {
    return await work();
  } finally {
    spinner.clear();
    spinner.stop();
  }
}
