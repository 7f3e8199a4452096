/**
 * @module Structured logs: one JSON object per line on stderr (stdout belongs to MCP in stdio mode).
 * Lines are queued and written once per event-loop turn, so logging never blocks a request, and
 * values under secret-looking keys are scrubbed before they are serialised.
 */
import type { Writable } from "node:stream";

export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY =
  /authorization|token|secret|password|passwd|cookie|api[-_]?key|credential|private[-_]?key/i;
const MAX_DEPTH = 6;

export interface Logger {
  readonly level: LogLevel;
  debug(event: Record<string, unknown>): void;
  info(event: Record<string, unknown>): void;
  warn(event: Record<string, unknown>): void;
  error(event: Record<string, unknown>): void;
  enabled(level: LogLevel): boolean;
  /** Changes the level of this logger and of every logger made from the same root (hot reload). */
  setLevel(level: LogLevel): void;
  child(fields: Record<string, unknown>): Logger;
  /** Writes what is queued now (before exit). */
  flush(): void;
}

/**
 * Secrets inside free text, one pass: an Authorization scheme's credentials; the value of a
 * secret-named `key=value` pair (form bodies, query strings, connection strings); the password of
 * a URL's user info; and strings shaped like well-known API keys and JWTs, whatever surrounds them.
 * The first three keep their prefix (group 1) so the text still says what was redacted.
 */
const SECRET_TEXT = new RegExp(
  [
    String.raw`\b((?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]+`,
    String.raw`\b((?:password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|api[-_]?key|apikey)\s*=\s*)[^\s&"',;)]+`,
    String.raw`(\/\/[^\s/:@]+:)[^\s/@]+(?=@)`,
    String.raw`\b(?:sk|pk|rk)[-_](?:live|test|proj)?[-_]?[A-Za-z0-9]{16,}`,
    String.raw`\bgh[pousr]_[A-Za-z0-9]{20,}`,
    String.raw`\bAKIA[0-9A-Z]{16}\b`,
    String.raw`\bxox[abprs]-[A-Za-z0-9-]{10,}`,
    String.raw`\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`,
  ].join("|"),
  "gi",
);

function redact(_all: string, scheme?: string, field?: string, userinfo?: string): string {
  return `${scheme ?? field ?? userinfo ?? ""}[redacted]`;
}

/**
 * Replaces values of secret-looking keys, and secrets inside strings (see SECRET_TEXT); bounded
 * depth. Paths stay: the log keeps them (clients get `clientSafeMessage` in the runtime).
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.replace(SECRET_TEXT, redact);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_DEPTH) return "[depth]";
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: scrub(value.message, depth + 1) };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? "[redacted]" : scrub(item, depth + 1);
  }
  return out;
}

/** Shared by a root logger and its children, so a level change reaches them all. */
class Sink {
  rank: number;
  level: LogLevel;
  private lines: string[] = [];
  private scheduled = false;
  constructor(
    private readonly stream: Writable,
    level: LogLevel,
  ) {
    this.level = level;
    this.rank = RANK[level];
  }

  write(line: string): void {
    this.lines.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const text = this.lines.join("");
    this.lines = [];
    this.stream.write(text);
  };
}

class JsonLogger implements Logger {
  constructor(
    private readonly sink: Sink,
    private readonly fields: Record<string, unknown>,
  ) {}

  get level(): LogLevel {
    return this.sink.level;
  }

  enabled(level: LogLevel): boolean {
    return RANK[level] >= this.sink.rank;
  }

  setLevel(level: LogLevel): void {
    this.sink.level = level;
    this.sink.rank = RANK[level];
  }

  debug(event: Record<string, unknown>): void {
    this.log("debug", event);
  }
  info(event: Record<string, unknown>): void {
    this.log("info", event);
  }
  warn(event: Record<string, unknown>): void {
    this.log("warn", event);
  }
  error(event: Record<string, unknown>): void {
    this.log("error", event);
  }

  child(fields: Record<string, unknown>): Logger {
    return new JsonLogger(this.sink, { ...this.fields, ...fields });
  }

  flush(): void {
    this.sink.flush();
  }

  private log(level: LogLevel, event: Record<string, unknown>): void {
    if (RANK[level] < this.sink.rank) return;
    const record = scrub({ time: new Date().toISOString(), level, ...this.fields, ...event });
    this.sink.write(`${JSON.stringify(record)}\n`);
  }
}

export function createLogger(
  options: { level?: LogLevel; stream?: Writable; fields?: Record<string, unknown> } = {},
): Logger {
  return new JsonLogger(
    new Sink(options.stream ?? process.stderr, options.level ?? "info"),
    options.fields ?? {},
  );
}
