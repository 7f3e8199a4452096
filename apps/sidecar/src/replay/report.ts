/**
 * @module The replay report: counts per tool, the calls that were not identical, and how it prints
 * (a table and one line per divergent call, or one JSON document with `--json`).
 */
import type { Comparison, Verdict } from "./compare.js";

export type CallVerdict = Verdict | "skipped";

export interface CallReport extends Omit<Comparison, "verdict"> {
  id: string;
  tool: string;
  verdict: CallVerdict;
}

export interface VerdictCounts {
  calls: number;
  identical: number;
  sameShape: number;
  different: number;
  error: number;
  /** captured arguments held "[redacted]" values: not replayed */
  skipped: number;
}

export interface ToolReport extends VerdictCounts {
  tool: string;
}

export interface ReplaySummary extends VerdictCounts {
  target: string;
  /** the version the target negotiated; absent when nothing was replayed */
  protocolVersion?: string;
  replayed: number;
  /** different + error, plus same-shape unless shapes are allowed */
  divergent: number;
  durationMs: number;
}

export interface ReplayReport {
  summary: ReplaySummary;
  tools: ToolReport[];
  /** every call that was not identical (divergent and skipped), in capture order */
  calls: CallReport[];
}

const COUNT_KEY: Record<CallVerdict, keyof VerdictCounts> = {
  identical: "identical",
  "same-shape": "sameShape",
  different: "different",
  error: "error",
  skipped: "skipped",
};

export function emptyCounts(): VerdictCounts {
  return { calls: 0, identical: 0, sameShape: 0, different: 0, error: 0, skipped: 0 };
}

export function countVerdict(counts: VerdictCounts, verdict: CallVerdict): void {
  counts.calls++;
  counts[COUNT_KEY[verdict]]++;
}

export function isDivergent(verdict: CallVerdict, allowShape: boolean): boolean {
  return verdict === "different" || verdict === "error" || (verdict === "same-shape" && !allowShape);
}

const COLUMNS: ReadonlyArray<[string, keyof VerdictCounts]> = [
  ["calls", "calls"],
  ["identical", "identical"],
  ["same shape", "sameShape"],
  ["different", "different"],
  ["error", "error"],
  ["skipped", "skipped"],
];

export function formatReport(report: ReplayReport, allowShape: boolean): string {
  const { summary } = report;
  const rows = [...report.tools, { tool: "total", ...summary }];
  const toolWidth = Math.max(4, ...rows.map((row) => row.tool.length));
  const line = (cells: string[]) =>
    cells
      .map((cell, index) =>
        index === 0 ? cell.padEnd(toolWidth) : cell.padStart(COLUMNS[index - 1]?.[0].length ?? 0),
      )
      .join("  ");
  const out = [line(["tool", ...COLUMNS.map(([title]) => title)])];
  for (const row of rows) out.push(line([row.tool, ...COLUMNS.map(([, key]) => String(row[key]))]));
  const divergent = report.calls.filter((call) => isDivergent(call.verdict, allowShape));
  if (divergent.length > 0) {
    out.push("", "divergent calls:");
    for (const call of divergent) {
      const diff =
        call.path === undefined ? "" : `  ${call.path}: ${call.before ?? "-"} -> ${call.after ?? "-"}`;
      out.push(`${call.id}  ${call.tool}  ${call.verdict}${diff}`);
    }
  }
  out.push(
    "",
    `replayed ${summary.replayed} of ${summary.calls} captured calls against ${summary.target}` +
      `${summary.protocolVersion === undefined ? "" : ` (${summary.protocolVersion})`}: ${summary.identical} identical, ` +
      `${summary.sameShape} same shape, ${summary.different} different, ${summary.error} error, ` +
      `${summary.skipped} skipped (redacted inputs cannot be replayed); ` +
      `${summary.divergent === 0 ? "no divergence" : `${summary.divergent} divergent`}`,
  );
  return `${out.join("\n")}\n`;
}
