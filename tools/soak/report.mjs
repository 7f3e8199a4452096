/** @module Prints a soak result (run.mjs) as plain-text tables on stdout. */
const MiB = 1024 * 1024;
const mb = (bytes) => (bytes === undefined ? "-" : `${(bytes / MiB).toFixed(1)} MB`);
const OUTCOMES = ["ok", "expected_auth_failure", "expected_crash", "unexpected_error", "timeout"];

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const [n, row] of rows.entries()) {
    console.log(
      row
        .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
        .join("  "),
    );
    if (n === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

export function printReport(result) {
  console.log(
    `\nmcp-runtime soak: ${result.passed ? "PASS" : "FAIL"}, ${result.elapsedSeconds ?? "?"} s (asked ${result.minutes} min)\n`,
  );
  const counts = result.counts ?? {};
  const rows = [["kind", ...OUTCOMES, "total"]];
  const totals = OUTCOMES.map(() => 0);
  for (const [kind, row] of Object.entries(counts)) {
    const cells = OUTCOMES.map((o) => row[o] ?? 0);
    cells.forEach((c, i) => {
      totals[i] += c;
    });
    rows.push([kind, ...cells, cells.reduce((a, b) => a + b, 0)]);
  }
  rows.push(["all", ...totals, totals.reduce((a, b) => a + b, 0)]);
  table(rows);
  console.log("(session: one whole SDK session, initialize + tools/list + 5 calls + DELETE)");
  const unexpected = Object.entries(result.unexpected ?? {});
  if (unexpected.length > 0) {
    console.log("\nunexpected errors by class:");
    for (const [cls, { count, example }] of unexpected)
      console.log(`  ${count}× ${cls}\n     e.g. ${example}`);
  }
  const m = result.memory;
  if (m) {
    console.log("");
    table([
      ["runtime (HTTP)", "start", "after warm-up", "end (load)", "idle after", "max"],
      ["RSS", mb(m.rssStart), mb(m.rssAfterWarmUp), mb(m.rssEnd), mb(m.rssIdle), mb(m.rssMax)],
      ["heap used", mb(m.heapStart), "", mb(m.heapEnd), mb(m.heapIdle), mb(m.heapMax)],
      ["active handles", m.handlesStart ?? "-", "", m.handlesEnd ?? "-", m.handlesIdle ?? "-", ""],
      ["sidecar RSS", mb(m.sidecarRssStart), "", mb(m.sidecarRssEnd), "", mb(m.sidecarRssMax)],
      ["stdio runtime RSS", mb(m.stdioRssStart), "", mb(m.stdioRssEnd), "", ""],
      ["event-loop lag p99 (10 s windows)", "", "", "", "", `${m.lagP99MaxMs.toFixed(1)} ms`],
      ["event-loop lag max", "", "", "", "", `${m.lagMaxMs.toFixed(1)} ms`],
    ]);
    console.log(
      `RSS growth after warm-up: ${mb(m.rssGrowthAfterWarmUp)} (bound ${result.rssGrowthBoundMb} MB)`,
    );
  }
  if (result.runtime) {
    const { runtime: r, sidecar: s } = result;
    console.log(
      `runtime tools/call counted: ${r.toolCalls}, auth failures: ${r.authFailures}, audit events dropped: ${r.auditDropped}; sidecar events received: ${s.eventsReceived}; audit records: ${s.auditRecords} in ${s.auditFiles} files (${s.verify.split("\n")[0]})`,
    );
    console.log(
      `cache hits/misses: ${r.cache.hits}/${r.cache.misses}; sandbox restarts: ${r.sandboxRestarts}; config reloads written/applied/refused: ${r.reloads.written}/${r.reloads.applied}/${r.reloads.refused}`,
    );
  }
  if (result.failures.length > 0) {
    console.log("\nexit criteria failed:");
    for (const f of result.failures) console.log(`  - ${f}`);
  }
}
