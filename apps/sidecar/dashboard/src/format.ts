/** @module How numbers, times and ids read on the page. */

const clock = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
});

/** epoch ms → local wall-clock time (the page is about the last minutes, not days). */
export function time(epochMs: number | undefined): string {
  return epochMs === undefined ? "—" : clock.format(epochMs);
}

export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.1 ? 1 : 0)} %`;
}

/** Config versions are sha256 hex; twelve characters tell them apart on one page. */
export function shortVersion(version: string | undefined): string {
  return version === undefined ? "—" : version.slice(0, 12);
}

export function count(value: number): string {
  return value.toLocaleString();
}

/** Node ids are UUIDs: the first eight characters tell a handful of runtimes apart (the full id is the title). */
export function shortNode(node: string): string {
  return node.length > 12 ? node.slice(0, 8) : node;
}
