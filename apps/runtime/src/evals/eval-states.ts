/**
 * @module The latest outcome of each configured eval, for the status frame: pending until its
 * first run, then pass or fail with counts. A reconfigure keeps the history of checks that stay
 * (same name and tool) and forgets the others.
 */
import type { EvalCheck } from "@mcp-runtime/config";
import type { StatusEval } from "@mcp-runtime/telemetry";

export class EvalStates {
  private states = new Map<string, StatusEval>();

  configure(checks: readonly EvalCheck[]): void {
    const next = new Map<string, StatusEval>();
    for (const { name, tool } of checks) {
      const kept = this.states.get(name);
      next.set(
        name,
        kept !== undefined && kept.tool === tool
          ? kept
          : { eval: name, tool, status: "pending", passes: 0, failures: 0 },
      );
    }
    this.states = next;
  }

  record(name: string, status: "pass" | "fail", reason: string | undefined, at: number): void {
    const state = this.states.get(name);
    // A check removed by a reload while its run was in flight reports nothing.
    if (state === undefined) return;
    state.status = status;
    state.lastRun = at;
    if (status === "pass") {
      state.passes++;
      delete state.reason;
    } else {
      state.failures++;
      if (reason !== undefined) state.reason = reason;
    }
  }

  /** Copies, in config order: the frame is serialized later, the table changes meanwhile. */
  list(): StatusEval[] {
    return Array.from(this.states.values(), (state) => ({ ...state }));
  }
}
