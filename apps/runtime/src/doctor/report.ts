/** @module The doctor's report for people (a mark per check, the fix under it) and as JSON. */
import pc from "picocolors";
import type { DoctorCheck, DoctorReport } from "./check.js";

const MARKS = { ok: "✓", warn: "!", fail: "✗" } as const;

export function renderHuman(report: DoctorReport, colour: boolean): string {
  const c = pc.createColors(colour);
  const paint = { ok: c.green, warn: c.yellow, fail: c.red } as const;
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${paint[check.status](MARKS[check.status])} ${c.bold(check.id)}: ${check.message}`);
    if (check.fix !== undefined) lines.push(`    ${c.dim("fix:")} ${check.fix}`);
  }
  const count = (status: DoctorCheck["status"]) =>
    report.checks.filter((check) => check.status === status).length;
  const failed = count("fail");
  const warned = count("warn");
  lines.push(
    "",
    failed > 0
      ? c.red(
          `${failed} check${failed === 1 ? "" : "s"} failed${warned > 0 ? `, ${warned} warning${warned === 1 ? "" : "s"}` : ""}`,
        )
      : c.green(
          `all ${report.checks.length} checks passed${warned > 0 ? ` (${warned} warning${warned === 1 ? "" : "s"})` : ""}`,
        ),
  );
  return `${lines.join("\n")}\n`;
}

export function renderJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
