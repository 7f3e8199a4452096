/**
 * @module One tool's calls as per-second slots over the last `WINDOW_SECONDS`: calls, errors and
 * a latency histogram per second, in a ring indexed by epoch second (no shifting, no sorting).
 * The last-minute line merges the newest 60 slots; each slot caches its own point.
 */
import type { CallOutcome } from "@mcp-runtime/telemetry";
import { LatencyHistogram } from "./latency-histogram.js";
import { type ToolPoint, type ToolView, WINDOW_SECONDS } from "./protocol.js";

const SUMMARY_SECONDS = 60;

interface Slot {
  t: number;
  calls: number;
  errors: number;
  latency: LatencyHistogram;
  point: ToolPoint | undefined;
}

export class ToolSeries {
  readonly tool: string;
  plugin: string | undefined;
  /** epoch second of the newest call recorded (by its own timestamp) */
  lastCallSec = 0;
  private readonly slots: (Slot | undefined)[] = new Array(WINDOW_SECONDS);

  constructor(tool: string, plugin: string | undefined) {
    this.tool = tool;
    this.plugin = plugin;
  }

  /** @returns false when the call is older than the window (it still counts in the audit log). */
  record(tsMs: number, outcome: CallOutcome, durationMs: number, nowSec: number): boolean {
    const t = Math.floor(tsMs / 1000);
    if (t <= nowSec - WINDOW_SECONDS) return false;
    const index = t % WINDOW_SECONDS;
    let slot = this.slots[index];
    if (slot === undefined) {
      slot = { t, calls: 0, errors: 0, latency: new LatencyHistogram(), point: undefined };
      this.slots[index] = slot;
    } else if (slot.t !== t) {
      if (slot.t > t) return false; // a newer second already took the slot
      slot.t = t;
      slot.calls = 0;
      slot.errors = 0;
      slot.latency.clear();
    }
    slot.calls++;
    if (outcome === "error" || outcome === "tool_error") slot.errors++;
    slot.latency.add(durationMs);
    slot.point = undefined;
    if (t > this.lastCallSec) this.lastCallSec = t;
    return true;
  }

  /** The tool's view; its points from `sinceSec` on (all of the window by default). */
  view(nowSec: number, sinceSec = 0): ToolView {
    const points: ToolPoint[] = [];
    const minute = new LatencyHistogram();
    let calls = 0;
    let errors = 0;
    for (let t = nowSec - WINDOW_SECONDS + 1; t <= nowSec; t++) {
      const slot = this.slots[t % WINDOW_SECONDS];
      if (slot === undefined || slot.t !== t || slot.calls === 0) continue;
      slot.point ??= {
        t,
        calls: slot.calls,
        errors: slot.errors,
        p50: slot.latency.quantile(0.5),
        p99: slot.latency.quantile(0.99),
      };
      if (t >= sinceSec) points.push(slot.point);
      if (t > nowSec - SUMMARY_SECONDS) {
        calls += slot.calls;
        errors += slot.errors;
        minute.merge(slot.latency);
      }
    }
    return {
      tool: this.tool,
      ...(this.plugin === undefined ? {} : { plugin: this.plugin }),
      calls,
      errors,
      errorRate: calls === 0 ? 0 : errors / calls,
      p50: minute.quantile(0.5),
      p99: minute.quantile(0.99),
      points,
    };
  }
}
