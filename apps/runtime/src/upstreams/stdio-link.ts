/**
 * @module A stdio upstream: one subprocess speaking newline-delimited JSON-RPC on stdin/stdout.
 * stderr goes to the log (bounded, rate-limited), memory is sampled, and close() ends stdin, sends
 * SIGTERM and, 2 s later, SIGKILL. The process leads its own process group so that a wrapper such
 * as `npx` dies together with the server it started; a group still alive when the runtime exits is
 * killed then, so a crashed runtime does not leave servers behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { decodeFrame, type JsonRpcMessage } from "@mcp-runtime/protocol";
import { LineReader } from "@mcp-runtime/transport-stdio";
import type { Logger } from "../logger.js";
import type { Link, LinkSink } from "./link.js";
import { watchMemory } from "./memory-watch.js";
import { StderrRelay } from "./stderr-relay.js";

export interface StdioLinkOptions {
  upstream: string;
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd?: string | undefined;
  logger: Logger;
  maxMemoryMb?: number | undefined;
  memorySampleMs: number;
}

// What the SDK's StdioClientTransport inherits too: enough to find and run a program, and none of
// the runtime's own secrets (OAUTH_CLIENT_SECRET, REDIS_URL, ...).
const INHERITED_ENV = ["HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER"];
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const KILL_AFTER_MS = 2_000;

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone, or not a group leader after all: try the process itself.
    try {
      process.kill(pid, signal);
    } catch {}
  }
}

function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const group of liveGroups) killGroup(group, "SIGKILL");
  });
}

function childEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = process.env[key];
    if (value !== undefined && !value.startsWith("()")) out[key] = value;
  }
  return { ...out, ...env };
}

/** Spawns the process; resolves once it runs, rejects when it cannot be started. */
export function openStdioLink(options: StdioLinkOptions, sink: LinkSink): Promise<Link> {
  const { upstream, logger } = options;
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: childEnv(options.env),
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  return new Promise<Link>((resolve, reject) => {
    child.once("spawn", () => resolve(new StdioLink(child, options, sink)));
    child.once("error", (error) => reject(new Error(`could not start ${options.command}: ${error.message}`)));
  }).catch((error: unknown) => {
    logger.warn({ msg: "upstream spawn failed", upstream, error });
    throw error;
  });
}

class StdioLink implements Link {
  readonly pid: number | undefined;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly stopMemory: () => void;
  private killReason: string | undefined;
  // Messages sent in one turn of the event loop go out in one write (see send()).
  private outbox = "";
  private flushScheduled = false;
  private readonly flush = (): void => {
    this.flushScheduled = false;
    const stdin = this.child.stdin;
    const out = this.outbox;
    this.outbox = "";
    if (stdin && !stdin.destroyed) stdin.write(out);
  };

  constructor(child: ChildProcess, options: StdioLinkOptions, sink: LinkSink) {
    const { upstream, logger } = options;
    this.child = child;
    this.pid = child.pid;
    const pid = child.pid;
    if (pid !== undefined) trackGroup(pid);
    logger.info({ msg: "upstream process started", upstream, pid, command: options.command });

    const reader = new LineReader(MAX_MESSAGE_BYTES);
    child.stdout?.on("data", (chunk: Buffer) =>
      reader.push(chunk, (event) => {
        if (event.kind === "oversize") {
          logger.warn({ msg: "upstream message too large, dropped", upstream, bytes: event.bytes });
          return;
        }
        for (const message of decode(event.text, upstream, logger)) sink.message(message);
      }),
    );
    const stderr = new StderrRelay({ upstream, logger });
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    // EPIPE after the process died, a failed kill: the exit handler reports what matters.
    child.stdin?.on("error", () => {});
    child.on("error", (error) => logger.debug({ msg: "upstream process error", upstream, error }));

    this.stopMemory =
      pid === undefined
        ? () => {}
        : watchMemory({
            upstream,
            pid,
            logger,
            intervalMs: options.memorySampleMs,
            maxMemoryMb: options.maxMemoryMb,
            onLimit: (rssMb) => {
              logger.warn({ msg: "upstream over memory limit, restarting", upstream, pid, rssMb });
              this.killReason = `memory ${rssMb} MB above maxMemoryMb ${options.maxMemoryMb}`;
              this.kill();
            },
          });

    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        if (pid !== undefined) liveGroups.delete(pid);
        this.stopMemory();
        stderr.end();
        const why = this.killReason === undefined ? "" : `; ${this.killReason}`;
        logger.info({ msg: "upstream process exited", upstream, pid, code, signal });
        sink.closed(`exited (code ${code}, signal ${signal}${why})`);
        resolve();
      });
    });
  }

  /**
   * Queued and written once per turn of the event loop: with 32 HTTP clients calling a shared
   * process, one write (and one read on the other side) per turn instead of one per call. Writes
   * were the top of the runtime's profile (`npm run bench -- --upstream`); batching them cut its
   * CPU per relayed call by about a quarter, and the upstream's too.
   */
  send(message: JsonRpcMessage): void {
    this.outbox += `${JSON.stringify(message)}\n`;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  negotiated(): void {}

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.killReason ??= "closed by the runtime";
      this.kill();
    }
    await this.exited;
  }

  private kill(): void {
    this.child.stdin?.end();
    const pid = this.child.pid;
    if (pid === undefined) return;
    killGroup(pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(pid, "SIGKILL"), KILL_AFTER_MS);
    timer.unref();
    void this.exited.then(() => clearTimeout(timer));
  }
}

function decode(text: string, upstream: string, logger: Logger): JsonRpcMessage[] {
  const frame = decodeFrame(text);
  if (frame.kind === "message") return [frame.message];
  if (frame.kind === "batch")
    return frame.messages.flatMap((item) => (item.kind === "message" ? [item.message] : []));
  // Servers that print banners to stdout exist; the line is not ours to forward or to log in full.
  logger.debug({ msg: "upstream stdout line is not JSON-RPC", upstream, error: frame.error.error.message });
  return [];
}
