/** @module `--since`: an ISO 8601 date or date-time, or a duration back from now (`90s`, `15m`, `2h`, `7d`). */

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+)(s|m|h|d)$/;
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms, or undefined when `text` is neither form. */
export function parseSince(text: string, now: number = Date.now()): number | undefined {
  const duration = DURATION.exec(text);
  if (duration !== null) return now - Number(duration[1]) * (UNIT_MS[duration[2] as string] as number);
  if (!ISO.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}
