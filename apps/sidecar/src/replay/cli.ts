/**
 * @module `mcp-sidecar replay`: flags, where the capture folder comes from, the target's token (env
 * only: flags show up in `ps`), output and exit codes.
 */
import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadSidecarConfig } from "../config.js";
import { ReplayTargetError } from "./mcp-client.js";
import { formatReport } from "./report.js";
import { replayCaptured } from "./run.js";
import { parseSince } from "./since.js";

export interface ReplayIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  version: string;
}

export const REPLAY_EXIT = {
  ok: 0,
  divergent: 1,
  usage: 2,
  targetUnreachable: 3,
  nothingReplayed: 4,
} as const;

export const REPLAY_USAGE = `Usage: mcp-sidecar replay --against URL [--tool T] [--since T] [--config FILE | --dir DIR]
                          [--concurrency N] [--timeout-ms N] [--allow-shape] [--json]

Re-runs captured tool calls (telemetry.capture in the runtime config) against the MCP endpoint
URL (Streamable HTTP, e.g. http://127.0.0.1:8080/mcp) and compares each answer with the capture,
ignoring _meta:
  identical    deep-equal (key order ignored); a captured JSON-RPC error: the same error code
  same shape   same keys, JSON types and array lengths, same content types and isError;
               only other values differ
  different    anything else (a key or content added or gone, isError flipped, ...)
  error        no comparable answer: transport failure, HTTP error, timeout, JSON-RPC error
  skipped      the captured arguments hold "[redacted]" values, so the call is not replayed

  --against URL     the target's MCP endpoint (required)
  --tool T          only calls of tool T
  --since T         only calls at or after T: an ISO date/time or a duration back (15m, 2h, 7d)
  --dir DIR         the capture folder; else capture.dir of the sidecar config (--config FILE,
                    else MCP_SIDECAR_CONFIG; default ./capture)
  --concurrency N   calls in flight at once (default 4)
  --timeout-ms N    per call (default 30000)
  --allow-shape     "same shape" is not a divergence
  --json            print one JSON document {summary, tools, calls} (calls: those not identical)
Environment: MCP_REPLAY_TOKEN (bearer token for the target), MCP_SIDECAR_CONFIG.
Exit codes: 0 no divergence, 1 divergence (different, error, or same shape without
--allow-shape), 2 usage or setup error, 3 no session with the target, 4 nothing replayed (no
captured call matched, or all were skipped).
`;

interface Flags {
  against?: string;
  tool?: string;
  since?: string;
  config?: string;
  dir?: string;
  concurrency?: string;
  "timeout-ms"?: string;
  "allow-shape"?: boolean;
  json?: boolean;
  help?: boolean;
}

export async function runReplay(argv: readonly string[], io: ReplayIo): Promise<number> {
  const usage = (message: string) => {
    io.stderr(`mcp-sidecar replay: ${message}\nRun "mcp-sidecar replay --help" for usage.\n`);
    return REPLAY_EXIT.usage;
  };
  let flags: Flags;
  try {
    ({ values: flags } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        against: { type: "string" },
        tool: { type: "string" },
        since: { type: "string" },
        config: { type: "string" },
        dir: { type: "string" },
        concurrency: { type: "string" },
        "timeout-ms": { type: "string" },
        "allow-shape": { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (cause) {
    return usage((cause as Error).message);
  }
  if (flags.help === true) {
    io.stdout(REPLAY_USAGE);
    return REPLAY_EXIT.ok;
  }
  if (flags.against === undefined) return usage("--against URL is required");
  if (!URL.canParse(flags.against) || !/^https?:$/.test(new URL(flags.against).protocol))
    return usage(`--against must be an http(s) URL, not "${flags.against}"`);
  const concurrency = positiveInt(flags.concurrency, 4, 256);
  if (concurrency === undefined)
    return usage(`--concurrency must be an integer 1..256, not "${flags.concurrency}"`);
  const timeoutMs = positiveInt(flags["timeout-ms"], 30_000, 3_600_000);
  if (timeoutMs === undefined)
    return usage(`--timeout-ms must be a positive integer, not "${flags["timeout-ms"]}"`);
  let since: number | undefined;
  if (flags.since !== undefined) {
    since = parseSince(flags.since);
    if (since === undefined)
      return usage(`--since must be an ISO date/time or a duration like 15m, 2h, 7d, not "${flags.since}"`);
  }
  if (flags.dir !== undefined && flags.config !== undefined) return usage("give --dir or --config, not both");

  const dir = flags.dir ?? (await captureDirFromConfig(flags.config ?? io.env.MCP_SIDECAR_CONFIG, io));
  if (typeof dir === "number") return dir;
  try {
    if (!(await stat(dir)).isDirectory()) return usage(`${dir} is not a folder`);
  } catch (cause) {
    return usage(`cannot read the capture folder ${dir}: ${(cause as NodeJS.ErrnoException).code ?? cause}`);
  }

  const allowShape = flags["allow-shape"] === true;
  let report: Awaited<ReturnType<typeof replayCaptured>>;
  try {
    report = await replayCaptured({
      dir,
      query: {
        ...(flags.tool === undefined ? {} : { tool: flags.tool }),
        ...(since === undefined ? {} : { since }),
      },
      url: flags.against,
      concurrency,
      timeoutMs,
      allowShape,
      clientVersion: io.version,
      ...(io.env.MCP_REPLAY_TOKEN ? { token: io.env.MCP_REPLAY_TOKEN } : {}),
    });
  } catch (cause) {
    if (cause instanceof ReplayTargetError) {
      io.stderr(`mcp-sidecar replay: no session with ${flags.against}: ${cause.message}\n`);
      return REPLAY_EXIT.targetUnreachable;
    }
    throw cause;
  }
  io.stdout(flags.json === true ? `${JSON.stringify(report)}\n` : formatReport(report, allowShape));
  if (report.summary.replayed === 0) return REPLAY_EXIT.nothingReplayed;
  return report.summary.divergent > 0 ? REPLAY_EXIT.divergent : REPLAY_EXIT.ok;
}

function positiveInt(text: string | undefined, fallback: number, max: number): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  return /^\d+$/.test(text) && value >= 1 && value <= max ? value : undefined;
}

/**
 * The sidecar config's capture.dir (resolved against the file's folder), so replay reads where
 * `mcp-sidecar` with the same config writes; without a file, the default (`./capture`).
 * An exit code on an invalid config.
 */
async function captureDirFromConfig(file: string | undefined, io: ReplayIo): Promise<string | number> {
  const loaded = await loadSidecarConfig(file);
  if (!loaded.ok) {
    for (const line of loaded.issues) io.stderr(`${line}\n`);
    return REPLAY_EXIT.usage;
  }
  return loaded.config.capture.dir;
}
