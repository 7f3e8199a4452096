/**
 * @module MCP over stdio (server side): newline-delimited JSON-RPC on stdin/stdout. Nothing but MCP
 * is written to stdout; the process's own logs belong on stderr. Replies produced in the same
 * turn of the event loop are written with one `write` (pipelined clients see far fewer syscalls).
 */
import type { Readable, Writable } from "node:stream";
import {
  decodeFrame,
  ErrorCode,
  failure,
  ID_PROBE_BYTES,
  type JsonRpcMessage,
  type JsonRpcResponse,
  type McpServer,
  oversizeMessageId,
  type ServerSession,
} from "@mcp-runtime/protocol";
import { type LineEvent, LineReader } from "./line-reader.js";

export interface StdioServerOptions {
  input?: Readable;
  output?: Writable;
  /**
   * Largest accepted line (the runtime's `server.maxMessageBytes`); a longer one is skipped without
   * being buffered and answered -32600 naming the limit, with its id when its first or last few
   * hundred bytes show it. Default 4 MiB.
   */
  maxMessageBytes?: number;
  /** @deprecated Use `maxMessageBytes`; used only when that is not set. */
  maxLineBytes?: number;
  /** After stdin ends, how long in-flight calls may run before they are cancelled. Default 2000 ms. */
  endGraceMs?: number;
  /** Called for transport-level events worth logging (oversize lines, write errors). */
  onEvent?(event: { msg: string; [key: string]: unknown }): void;
}

export interface StdioConnection {
  readonly session: ServerSession;
  /** Resolves when stdin has ended and every reply has been flushed. */
  readonly closed: Promise<void>;
  /** Stops reading, cancels in-flight work and resolves `closed`. */
  close(reason?: string): void;
}

const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

class OutputQueue {
  private pending: string[] = [];
  private scheduled = false;
  private readonly output: Writable;
  private broken = false;

  constructor(output: Writable, onError: (error: Error) => void) {
    this.output = output;
    output.on("error", (error) => {
      this.broken = true;
      onError(error);
    });
  }

  push(message: JsonRpcMessage | readonly JsonRpcMessage[]): void {
    if (this.broken) return;
    this.pending.push(`${JSON.stringify(message)}\n`);
    // A notification about a call (progress, log) goes out at once, ahead of the call's result:
    // the SDK clients drop a progress notification that arrives in the same read as its result
    // (they dispatch notifications a tick after responses and forget the token on the response).
    if (!Array.isArray(message) && !("id" in message)) {
      this.flush();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0 || this.broken) return;
    const text = this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join("");
    this.pending = [];
    this.output.write(text);
  };
}

/** Serves one MCP session over a pair of streams (process stdin/stdout by default). */
export function serveStdio(server: McpServer, options: StdioServerOptions = {}): StdioConnection {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const onEvent = options.onEvent ?? (() => {});
  const limit = options.maxMessageBytes ?? options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const reader = new LineReader(limit, ID_PROBE_BYTES);
  const queue = new OutputQueue(output, (error) =>
    onEvent({ msg: "stdout write failed", error: error.message }),
  );
  const channel = { send: (message: JsonRpcMessage) => queue.push(message) };
  const session = server.createSession(channel);
  let inFlight = 0;
  let ended = false;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const finish = () => {
    if (!ended || inFlight > 0) return;
    queue.flush();
    if (output === process.stdout) resolveClosed();
    else output.write("", () => resolveClosed());
  };

  const reply = (response: JsonRpcResponse | JsonRpcResponse[] | undefined) => {
    if (response !== undefined) queue.push(response);
  };

  const onLine = (text: string) => {
    const frame = decodeFrame(text);
    if (frame.kind === "invalid") {
      queue.push(frame.error);
      return;
    }
    inFlight++;
    session
      .handleFrame(frame, channel)
      .then(reply, (cause: unknown) => {
        // handleFrame converts failures itself; this is a last line of defence, never a crash.
        onEvent({ msg: "unhandled failure in session", error: String(cause) });
        queue.push(failure(null, ErrorCode.InternalError, "Internal error"));
      })
      .finally(() => {
        inFlight--;
        finish();
      });
  };

  const emit = (event: LineEvent) => {
    if (event.kind === "line") onLine(event.text);
    else {
      const id = oversizeMessageId(event.head, event.tail);
      onEvent({ msg: "oversize line refused", bytes: event.bytes, id, limit });
      queue.push(
        failure(
          id,
          ErrorCode.InvalidRequest,
          `Invalid Request: message of ${event.bytes} bytes is larger than the ${limit}-byte limit (server.maxMessageBytes)`,
          { limit, configKey: "server.maxMessageBytes" },
        ),
      );
    }
  };

  const onData = (chunk: Buffer | string) =>
    reader.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk, emit);
  const onEnd = () => close("stdin closed");

  function close(reason = "transport closed"): void {
    if (ended) return;
    reader.end(emit);
    ended = true;
    input.off("data", onData);
    input.off("end", onEnd);
    if (inFlight === 0) {
      session.close(reason);
      finish();
      return;
    }
    // Calls already running get a short grace to answer (a client may close stdin right after
    // its last request); past it the client is gone and the work is cancelled.
    const timer = setTimeout(() => session.close(reason), options.endGraceMs ?? 2000);
    timer.unref();
    void closed.then(() => {
      clearTimeout(timer);
      session.close(reason);
    });
    finish();
  }

  input.on("data", onData);
  input.on("end", onEnd);
  input.on("error", onEnd);
  return { session, closed, close };
}
