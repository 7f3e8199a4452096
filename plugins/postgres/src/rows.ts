/** @module Query results made JSON-safe (bytea, dates, big numbers) and rendered as a compact text table. */

/** A value pg parsed, as JSON: bytea as `\x` hex (PostgreSQL's own form), dates as ISO strings. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString("hex")}`;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === "object") {
    // json/jsonb come parsed; other objects (interval, point) are plain records.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}

const MAX_CELL = 80;

function cell(value: unknown): string {
  const text = value === null ? "NULL" : typeof value === "string" ? value : JSON.stringify(value);
  const flat = text.replace(/\s+/g, " ");
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}

/** Columns padded to a common width, `|` between them; a footer with the row count. */
export function textTable(
  columns: readonly string[],
  rows: readonly unknown[][],
  truncated: boolean,
): string {
  const cells = rows.map((row) => row.map(cell));
  const widths = columns.map((name, i) => Math.max(name.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join(" | ")
      .trimEnd();
  const footer = truncated
    ? `(first ${rows.length} rows; more rows exist — truncated)`
    : `(${rows.length} row${rows.length === 1 ? "" : "s"})`;
  if (columns.length === 0) return footer;
  return [line(columns), widths.map((w) => "-".repeat(w)).join("-+-"), ...cells.map(line), footer].join("\n");
}
