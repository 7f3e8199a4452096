/**
 * @module The page's state: the last snapshot with every delta since applied to it, by the rules
 * of `DashboardDelta`. Pure functions only, so the merging rules live in one place.
 */
import {
  type DashboardDelta,
  type DashboardSnapshot,
  type ToolView,
  WINDOW_SECONDS,
} from "../../src/dashboard/protocol.js";

/** Audit records the page holds for its table and client-side filters. */
export const HELD_AUDIT = 500;

export type DashboardState = DashboardSnapshot;

/**
 * A delta carries the tools with calls in the last minute (so their one-minute figures decay to
 * zero on their own): their summary replaces the row's, their points replace the row's points
 * from `pointsSince` on, and points older than the window are dropped.
 */
function mergeTools(current: readonly ToolView[], delta: DashboardDelta): ToolView[] {
  if (delta.tools.length === 0) return current as ToolView[];
  const oldest = Math.floor(delta.ts / 1000) - WINDOW_SECONDS;
  const byName = new Map(delta.tools.map((tool) => [tool.tool, tool]));
  const merged = current.map((tool) => {
    const next = byName.get(tool.tool);
    if (next === undefined) return tool;
    byName.delete(tool.tool);
    const kept = tool.points.filter((p) => p.t > oldest && p.t < delta.pointsSince);
    return { ...next, points: kept.length === 0 ? next.points : [...kept, ...next.points] };
  });
  return [...merged, ...byName.values()];
}

export function applyDelta(state: DashboardState, delta: DashboardDelta): DashboardState {
  return {
    ...state,
    ts: delta.ts,
    sidecar: { ...state.sidecar, auditRecords: delta.sidecar.auditRecords },
    tools: mergeTools(state.tools, delta),
    // Present only when changed, and then whole: a runtime or eval that left disappears.
    runtimes: delta.runtimes ?? state.runtimes,
    evals: delta.evals ?? state.evals,
    evalRatios: delta.evalRatios ?? state.evalRatios,
    config: delta.config ?? state.config,
    audit: delta.audit.length === 0 ? state.audit : [...delta.audit, ...state.audit].slice(0, HELD_AUDIT),
  };
}
