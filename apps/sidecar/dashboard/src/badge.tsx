/** @module A status word in a coloured pill: the word carries the meaning, the colour repeats it. */

export type Tone = "good" | "bad" | "warn" | "neutral";

export function Badge({ tone, children }: { tone: Tone; children: string }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

const tones: Record<string, Tone> = {
  pass: "good",
  applied: "good",
  closed: "good",
  ok: "good",
  ready: "good",
  running: "good",
  fail: "bad",
  refused: "bad",
  open: "bad",
  error: "bad",
  tool_error: "bad",
  failed: "bad",
  "half-open": "warn",
  cancelled: "warn",
  restarting: "warn",
  stale: "warn",
};

/** A badge whose tone follows from a known status word, grey for anything else. */
export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={tones[status] ?? "neutral"}>{status}</Badge>;
}
