/**
 * @module A server process driven over raw stdin/stdout, with no SDK in between: what a test needs
 * to send arbitrary bytes and read back exactly what the runtime wrote, line by line.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface WireError {
  code: number;
  message: string;
  data?: unknown;
}

/** One JSON-RPC message as read off stdout (not validated beyond being a JSON object). */
export interface WireMessage {
  jsonrpc?: unknown;
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: WireError;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** milliseconds from `endInput()` to the process exiting */
  afterEndMs: number;
}

interface Waiter {
  from: number;
  predicate: (message: WireMessage) => boolean;
  resolve: (message: WireMessage) => void;
}

const DEFAULT_TIMEOUT_MS = 5_000;

export class RawStdioServer {
  /** every stdout line, verbatim, in order */
  readonly lines: string[] = [];
  /** stdout lines that parsed as JSON objects, in order (arrays and non-JSON are left out) */
  readonly messages: WireMessage[] = [];
  private stderrText = "";
  private waiters: Waiter[] = [];
  private endedAt: number | undefined;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: readonly string[], options: { cwd?: string } = {}) {
    this.child = spawn(process.execPath, args, { stdio: "pipe", cwd: options.cwd });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => {
      this.stderrText += chunk;
    });
    createInterface({ input: this.child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) =>
      this.onLine(line),
    );
    this.exit = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => resolve({ code, signal }));
    });
    // A test that writes after the server exited should fail on its assertions, not crash on EPIPE.
    this.child.stdin.on("error", () => {});
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Writes `text` plus a newline to stdin, as one frame. */
  sendLine(text: string): void {
    this.child.stdin.write(`${text}\n`);
  }

  /** Writes `text` as a line and resolves with the first later message that matches. */
  exchange(
    text: string,
    predicate: (message: WireMessage) => boolean,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<WireMessage> {
    const from = this.messages.length;
    this.sendLine(text);
    return this.nextMatching(from, predicate, timeoutMs, `a reply to ${text.slice(0, 120)}`);
  }

  /** Sends a request (`jsonrpc` defaults to "2.0") and resolves with the response carrying its id. */
  request(
    message: { id: string | number; method: string; params?: unknown; jsonrpc?: string },
    timeoutMs?: number,
  ): Promise<WireMessage> {
    return this.exchange(
      JSON.stringify({ jsonrpc: "2.0", ...message }),
      (reply) => reply.id === message.id && (reply.result !== undefined || reply.error !== undefined),
      timeoutMs,
    );
  }

  notify(method: string, params?: unknown): void {
    this.sendLine(JSON.stringify({ jsonrpc: "2.0", method, ...(params === undefined ? {} : { params }) }));
  }

  /** Closes stdin (what a client does when it is done) and resolves when the process exits. */
  async endInput(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Exit> {
    this.endedAt = performance.now();
    this.child.stdin.end();
    const exited = await this.withTimeout(this.exit, timeoutMs, "the process to exit after stdin ended");
    return { ...exited, afterEndMs: performance.now() - (this.endedAt ?? 0) };
  }

  /** Kills the process if it is still running (cleanup for failed tests). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  private onLine(line: string): void {
    this.lines.push(line);
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return;
    const message = parsed as WireMessage;
    const index = this.messages.push(message) - 1;
    this.waiters = this.waiters.filter((waiter) => {
      if (index < waiter.from || !waiter.predicate(message)) return true;
      waiter.resolve(message);
      return false;
    });
  }

  private nextMatching(
    from: number,
    predicate: (message: WireMessage) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<WireMessage> {
    const found = this.messages.slice(from).find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    const waited = new Promise<WireMessage>((resolve) => {
      this.waiters.push({ from, predicate, resolve });
    });
    return this.withTimeout(waited, timeoutMs, what);
  }

  private async withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${what}\n--- stdout ---\n${this.lines
                .map((l) => l.slice(0, 300))
                .join("\n")}\n--- stderr ---\n${this.stderrText.slice(-4000)}`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
