/**
 * @module The sidecar's own Prometheus metrics (its `/metrics`): runtimes connected, audit events
 * received and written, checkpoints, forwarding, config pushes and their outcomes.
 */
import { Counter, Gauge, Registry } from "@mcp-runtime/telemetry";
import type { AuditLog } from "./audit/index.js";

export interface SidecarMetrics {
  readonly registry: Registry;
  readonly runtimesConnected: Gauge;
  readonly eventsReceived: Counter;
  readonly eventsRejected: Counter;
  readonly duplicateBatches: Counter;
  readonly configPushes: Counter;
  readonly configResults: Counter<"outcome">;
  readonly configRefused: Counter;
}

export function createSidecarMetrics(audit: () => AuditLog | undefined): SidecarMetrics {
  const registry = new Registry();
  const registers = [registry];
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
  };
}
