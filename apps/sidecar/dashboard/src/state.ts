/**
 * @module The page's state: the last snapshot with every delta since applied to it, by the rules
 * of `DashboardDelta`. Pure functions only, so the merging rules live in one place.
 */
import type { DashboardDelta, DashboardSnapshot, ToolView } from "../../src/dashboard/protocol.js";

/** Audit records the page holds for its table and client-side filters. */
export const HELD_AUDIT = 500;

export type DashboardState = DashboardSnapshot;

/**
 * A delta carries the tools that changed (the sidecar keeps sending a tool for a minute after its
 * last call, so its one-minute figures decay to zero on their own): those replace their rows.
 */
function mergeTools(current: readonly ToolView[], changed: readonly ToolView[]): ToolView[] {
  if (changed.length === 0) return current as ToolView[];
  const byName = new Map(changed.map((tool) => [tool.tool, tool]));
  const merged = current.map((tool) => {
    const next = byName.get(tool.tool);
    byName.delete(tool.tool);
    return next ?? tool;
  });
  return [...merged, ...byName.values()];
}

/** Runtimes, evals and their ratios come whole when they changed (so a runtime that left goes). */
function replaced<T>(current: T[], changed: T[]): T[] {
  return changed.length === 0 ? current : changed;
}

export function applyDelta(state: DashboardState, delta: DashboardDelta): DashboardState {
  return {
    ...state,
    ts: delta.ts,
    sidecar: { ...state.sidecar, auditRecords: delta.sidecar.auditRecords },
    tools: mergeTools(state.tools, delta.tools),
    runtimes: replaced(state.runtimes, delta.runtimes),
    evals: replaced(state.evals, delta.evals),
    evalRatios: replaced(state.evalRatios, delta.evalRatios),
    config: delta.config ?? state.config,
    audit: delta.audit.length === 0 ? state.audit : [...delta.audit, ...state.audit].slice(0, HELD_AUDIT),
  };
}
