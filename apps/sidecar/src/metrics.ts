/**
 * @module The sidecar's own Prometheus metrics (its `/metrics`): runtimes connected, audit events
 * received and written, checkpoints, forwarding, config pushes and their outcomes, evals (read
 * from the dashboard's eval board at scrape time), status frames, captured calls, dashboard clients.
 */
import { Counter, Gauge, Registry } from "@mcp-runtime/telemetry";
import type { AuditLog } from "./audit/index.js";

/** What the eval gauges read at scrape time (the dashboard's eval board gives it). */
export interface EvalReadings {
  views(): readonly { eval: string; tool: string; status: "pass" | "fail" | "pending" }[];
  ratios(): readonly { tool: string; passing: number; total: number }[];
}

export interface SidecarMetrics {
  readonly registry: Registry;
  readonly runtimesConnected: Gauge;
  readonly eventsReceived: Counter;
  readonly eventsRejected: Counter;
  readonly duplicateBatches: Counter;
  readonly configPushes: Counter;
  readonly configResults: Counter<"outcome">;
  readonly configRefused: Counter;
  readonly evalResults: Counter<"eval" | "tool" | "status">;
  readonly statusFrames: Counter;
  readonly capturedCalls: Counter;
  readonly dashboardClients: Gauge;
}

export interface MetricSources {
  audit(): AuditLog | undefined;
  evals?(): EvalReadings | undefined;
}

export function createSidecarMetrics(sources: MetricSources): SidecarMetrics {
  const { audit } = sources;
  const registry = new Registry();
  const registers = [registry];
  registerEvalGauges(registers, () => sources.evals?.());
  const stat = (name: string, help: string, read: (log: AuditLog) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const log = audit();
        if (log !== undefined) this.set(read(log));
      },
    });
  stat(
    "mcp_sidecar_audit_records",
    "Audit records written since the sidecar started",
    (log) => log.stats.records,
  );
  stat(
    "mcp_sidecar_audit_checkpoints",
    "Signed checkpoints written since the sidecar started",
    (log) => log.stats.checkpoints,
  );
  stat("mcp_sidecar_audit_forwarded", "Audit records forwarded to the SIEM", (log) => log.stats.forwarded);
  stat(
    "mcp_sidecar_audit_forward_dropped",
    "Audit records the SIEM forwarder dropped",
    (log) => log.stats.forwardDropped,
  );
  return {
    registry,
    runtimesConnected: new Gauge({
      name: "mcp_sidecar_runtimes_connected",
      help: "Runtimes connected now",
      registers,
    }),
    eventsReceived: new Counter({
      name: "mcp_sidecar_events_received_total",
      help: "Audit events received from runtimes and written",
      registers,
    }),
    eventsRejected: new Counter({
      name: "mcp_sidecar_events_rejected_total",
      help: "Events refused because they were not audit events",
      registers,
    }),
    duplicateBatches: new Counter({
      name: "mcp_sidecar_duplicate_batches_total",
      help: "Event batches a runtime resent after a lost ack (acknowledged, not written again)",
      registers,
    }),
    configPushes: new Counter({
      name: "mcp_sidecar_config_pushes_total",
      help: "Configs pushed to runtimes",
      registers,
    }),
    configResults: new Counter({
      name: "mcp_sidecar_config_results_total",
      help: "Runtimes' answers to pushed configs",
      labelNames: ["outcome"],
      registers,
    }),
    configRefused: new Counter({
      name: "mcp_sidecar_config_refused_total",
      help: "Config file versions refused by validation",
      registers,
    }),
    evalResults: new Counter({
      name: "mcp_sidecar_eval_results_total",
      help: "Eval results the runtimes reported (eval_result audit events)",
      labelNames: ["eval", "tool", "status"],
      registers,
    }),
    statusFrames: new Counter({
      name: "mcp_sidecar_runtime_status_frames_total",
      help: "Status frames received from runtimes",
      registers,
    }),
    capturedCalls: new Counter({
      name: "mcp_sidecar_captured_calls_total",
      help: "Captured calls received from runtimes for the capture store",
      registers,
    }),
    dashboardClients: new Gauge({
      name: "mcp_sidecar_dashboard_clients",
      help: "Dashboard pages connected to /live now",
      registers,
    }),
  };
}

/** Eval gauges are set from the board at scrape time, so an eval that is gone disappears too. */
function registerEvalGauges(registers: Registry[], board: () => EvalReadings | undefined): void {
  new Gauge({
    name: "mcp_sidecar_eval_passing",
    help: "1 when the eval passes on every runtime that ran it, 0 when it fails on one (pending evals are absent)",
    labelNames: ["eval", "tool"],
    registers,
    collect() {
      this.reset();
      for (const view of board()?.views() ?? []) {
        if (view.status !== "pending")
          this.set({ eval: view.eval, tool: view.tool }, view.status === "pass" ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: "mcp_sidecar_eval_pass_ratio",
    help: "Share of a tool's evals (with a result) that pass now",
    labelNames: ["tool"],
    registers,
    collect() {
      this.reset();
      for (const ratio of board()?.ratios() ?? [])
        this.set({ tool: ratio.tool }, ratio.passing / ratio.total);
    },
  });
}
