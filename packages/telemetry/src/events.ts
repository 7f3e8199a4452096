/**
 * @module What a runtime tells the sidecar and what the sidecar tells a runtime: audit events and
 * the messages of the runtime-to-sidecar WebSocket (`ws`, one JSON object per frame). Both sides
 * import these types, so a change here is a protocol change for both.
 */

/** Outcome of one tool call as the audit log records it. */
export type CallOutcome = "ok" | "error" | "tool_error" | "cancelled" | "input_required";

interface AuditEventBase {
  /** epoch milliseconds at the source */
  ts: number;
  /** W3C trace id (32 hex) when the event belongs to a traced request */
  traceId?: string;
}

/** One `tools/call`: who, which tool, outcome. Inputs and outputs are never part of it. */
export interface ToolCallEvent extends AuditEventBase {
  type: "tool_call";
  /** authenticated subject, or undefined for anonymous callers */
  subject?: string;
  tool: string;
  plugin?: string;
  era: "legacy" | "modern";
  outcome: CallOutcome;
  /** JSON-RPC error code when outcome is "error" */
  code?: number;
  durationMs: number;
}

/** A request refused by authentication (401/403). */
export interface AuthFailureEvent extends AuditEventBase {
  type: "auth_failure";
  status: number;
  /** RFC 6750 error code (`invalid_token`, `insufficient_scope`) when there is one */
  error?: string;
  reason: string;
  remote?: string;
}

/** A configuration change seen, applied or refused. */
export interface ConfigChangeEvent extends AuditEventBase {
  type: "config_change";
  /** sha256 of the config text */
  version: string;
  source: "sidecar" | "sighup" | "file";
  status: "applied" | "refused";
  /** changed paths (config package diff), when applied */
  changes?: string[];
  /** why a change was refused, one line per problem */
  reason?: string;
}

/** An operator action (reload requested, audit verified, ...). */
export interface AdminActionEvent extends AuditEventBase {
  type: "admin_action";
  actor: string;
  action: string;
  detail?: Record<string, string | number | boolean>;
}

export type AuditEvent = ToolCallEvent | AuthFailureEvent | ConfigChangeEvent | AdminActionEvent;

/** runtime → sidecar, first frame on every connection */
export interface HelloMessage {
  type: "hello";
  /** stable for the life of the runtime process; with `seq`, it lets the sidecar drop resent batches */
  node: string;
  pid: number;
  version: string;
  /** sha256 of the config the runtime runs, when it came from a file */
  configVersion?: string;
}

/** runtime → sidecar: a batch of events; `seq` counts batches per node from 1 */
export interface EventBatchMessage {
  type: "events";
  seq: number;
  events: AuditEvent[];
}

/** runtime → sidecar: the outcome of a pushed config */
export interface ConfigResultMessage {
  type: "config-result";
  version: string;
  ok: boolean;
  changes?: string[];
  reason?: string;
}

/** sidecar → runtime: the batch `seq` (and all before it) is durably written */
export interface AckMessage {
  type: "ack";
  seq: number;
}

/** sidecar → runtime: a validated config to apply */
export interface ConfigPushMessage {
  type: "config";
  version: string;
  /** the config file as the sidecar read it (before env overrides, which each runtime applies) */
  file: string;
  text: string;
}

export type RuntimeToSidecar = HelloMessage | EventBatchMessage | ConfigResultMessage;
export type SidecarToRuntime = AckMessage | ConfigPushMessage;
