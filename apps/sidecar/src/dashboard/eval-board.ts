/**
 * @module The latest outcome of every eval on every runtime, from `eval_result` audit events and
 * the `evals` of status frames (a runtime's own counts; its list is the truth for that node). The
 * page and the metrics see one line per eval: the worst state over nodes, where a failure beats a
 * pass and a pass beats pending (pending is no information, not a problem).
 */
import type { EvalResultEvent, StatusEval } from "@mcp-runtime/telemetry";
import type { EvalRatio, EvalView } from "./protocol.js";

interface EvalEntry {
  eval: string;
  tool: string;
  node: string;
  status: "pass" | "fail" | "pending";
  reason: string | undefined;
  lastRun: number | undefined;
  passes: number;
  failures: number;
}

const RANK = { pending: 0, pass: 1, fail: 2 } as const;

export class EvalBoard {
  private readonly entries = new Map<string, EvalEntry>();
  /** bumped on every change; the live view sends evals when it moved */
  version = 0;
  private cached: { version: number; views: EvalView[]; ratios: EvalRatio[] } | undefined;

  result(node: string, event: EvalResultEvent): void {
    const key = `${event.eval}\u0000${node}`;
    const entry = this.entries.get(key) ?? blank(event.eval, event.tool, node);
    if (entry.lastRun !== undefined && entry.lastRun > event.ts) return;
    entry.tool = event.tool;
    entry.status = event.status;
    entry.reason = event.reason;
    entry.lastRun = event.ts;
    if (event.status === "pass") entry.passes++;
    else entry.failures++;
    this.entries.set(key, entry);
    this.version++;
  }

  status(node: string, evals: readonly StatusEval[]): void {
    const seen = new Set<string>();
    for (const reported of evals) {
      const key = `${reported.eval}\u0000${node}`;
      seen.add(key);
      const entry = this.entries.get(key) ?? blank(reported.eval, reported.tool, node);
      const newer = entry.lastRun === undefined || (reported.lastRun ?? 0) >= entry.lastRun;
      const next: EvalEntry = newer
        ? { ...entry, status: reported.status, reason: reported.reason, lastRun: reported.lastRun }
        : { ...entry };
      next.tool = reported.tool;
      next.passes = reported.passes;
      next.failures = reported.failures;
      if (!sameEntry(entry, next) || !this.entries.has(key)) {
        this.entries.set(key, next);
        this.version++;
      }
    }
    for (const [key, entry] of this.entries) {
      if (entry.node === node && !seen.has(key)) {
        this.entries.delete(key);
        this.version++;
      }
    }
  }

  /** A runtime left: its results no longer describe anything that runs. */
  forget(node: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.node !== node) continue;
      this.entries.delete(key);
      this.version++;
    }
  }

  views(): EvalView[] {
    return this.compute().views;
  }

  ratios(): EvalRatio[] {
    return this.compute().ratios;
  }

  private compute(): { views: EvalView[]; ratios: EvalRatio[] } {
    if (this.cached?.version === this.version) return this.cached;
    const worst = new Map<string, EvalView>();
    for (const entry of this.entries.values()) {
      const shown = worst.get(entry.eval);
      if (shown === undefined || RANK[entry.status] > RANK[shown.status]) {
        const view: EvalView = {
          eval: entry.eval,
          tool: entry.tool,
          status: entry.status,
          node: entry.node,
          passes: (shown?.passes ?? 0) + entry.passes,
          failures: (shown?.failures ?? 0) + entry.failures,
        };
        if (entry.reason !== undefined) view.reason = entry.reason;
        if (entry.lastRun !== undefined) view.lastRun = entry.lastRun;
        worst.set(entry.eval, view);
      } else {
        shown.passes += entry.passes;
        shown.failures += entry.failures;
      }
    }
    const views = [...worst.values()].sort((a, b) => a.eval.localeCompare(b.eval));
    const byTool = new Map<string, EvalRatio>();
    for (const view of views) {
      if (view.status === "pending") continue;
      const ratio = byTool.get(view.tool) ?? { tool: view.tool, passing: 0, total: 0 };
      ratio.total++;
      if (view.status === "pass") ratio.passing++;
      byTool.set(view.tool, ratio);
    }
    this.cached = { version: this.version, views, ratios: [...byTool.values()] };
    return this.cached;
  }
}

function blank(name: string, tool: string, node: string): EvalEntry {
  return {
    eval: name,
    tool,
    node,
    status: "pending",
    reason: undefined,
    lastRun: undefined,
    passes: 0,
    failures: 0,
  };
}

function sameEntry(a: EvalEntry, b: EvalEntry): boolean {
  return (
    a.tool === b.tool &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.lastRun === b.lastRun &&
    a.passes === b.passes &&
    a.failures === b.failures
  );
}
