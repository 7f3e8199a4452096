/**
 * @module The readable log of `mcp-runtime dev`: each JSON log line of the runtime becomes
 * `HH:MM:SS level msg key=value ...`, coloured on a terminal (errors stand out), so a developer
 * reads it at a glance; lines that are not JSON pass through unchanged.
 */
import picocolors from "picocolors";

// Whether to colour is the caller's decision (io.interactive: stderr is a TTY, NO_COLOR unset);
// picocolors' own check looks at stdout, which may be a pipe while stderr is a terminal.
const pc = picocolors.createColors(true);

const HIDDEN = new Set(["time", "level", "msg", "service"]);

function formatValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

function clock(time: unknown): string {
  const date = typeof time === "string" ? new Date(time) : new Date();
  const at = Number.isNaN(date.getTime()) ? new Date() : date;
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** A JSON log line's record, or undefined for any other line. */
export function parseLogLine(line: string): Record<string, unknown> | undefined {
  try {
    const record: unknown = JSON.parse(line);
    return typeof record === "object" && record !== null && !Array.isArray(record)
      ? (record as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function formatLogLine(line: string, colour: boolean): string {
  const fields = parseLogLine(line);
  if (fields === undefined) return line;
  const level = typeof fields.level === "string" ? fields.level : "info";
  const msg = typeof fields.msg === "string" ? fields.msg : "";
  const pairs = Object.entries(fields)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .map(([key, value]) =>
      colour ? `${pc.dim(`${key}=`)}${formatValue(value)}` : `${key}=${formatValue(value)}`,
    );
  const time = clock(fields.time);
  const tag = level.padEnd(5);
  if (!colour) return [time, tag, msg, ...pairs].filter((part) => part !== "").join(" ");
  const paint =
    level === "error"
      ? (text: string) => pc.bold(pc.red(text))
      : level === "warn"
        ? pc.yellow
        : level === "debug"
          ? pc.gray
          : pc.cyan;
  const message = level === "error" ? pc.red(msg) : level === "warn" ? pc.yellow(msg) : msg;
  return [pc.dim(time), paint(tag), message, ...pairs].filter((part) => part !== "").join(" ");
}
