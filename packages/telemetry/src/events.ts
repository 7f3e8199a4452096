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

/** What started an eval run. */
export type EvalTrigger = "schedule" | "config" | "operator" | "start";

/**
 * One synthetic check (`evals.checks[]` in the runtime config) run through the runtime's own
 * protocol path: passed, or failed with the reason (a diff, a schema error, a JSON-RPC error).
 */
export interface EvalResultEvent extends AuditEventBase {
  type: "eval_result";
  /** the check's name, unique in the config */
  eval: string;
  tool: string;
  status: "pass" | "fail";
  /** why it failed: one line, scrubbed, at most 500 characters */
  reason?: string;
  trigger: EvalTrigger;
  durationMs: number;
}

export type AuditEvent =
  | ToolCallEvent
  | AuthFailureEvent
  | ConfigChangeEvent
  | AdminActionEvent
  | EvalResultEvent;

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

/** A sandbox pool as a status frame reports it (the sandbox's `PoolHealth`). */
export interface StatusSandbox {
  plugin: string;
  mode: "worker" | "process";
  breaker: "closed" | "open" | "half-open";
  workers: number;
  ready: number;
  crashes: number;
  restarts: number;
}

/** A hosted upstream as a status frame reports it (the runtime's `UpstreamHealth`). */
export interface StatusUpstream {
  id: string;
  kind: "stdio" | "remote";
  state: string;
  sessions: number;
  restarts: number;
  lastError?: string;
}

/** The latest outcome of one eval on this runtime. */
export interface StatusEval {
  eval: string;
  tool: string;
  status: "pass" | "fail" | "pending";
  reason?: string;
  /** epoch ms of the last run; absent while pending */
  lastRun?: number;
  passes: number;
  failures: number;
}

/**
 * runtime → sidecar, every `STATUS_INTERVAL_MS` while connected (and right after hello): the
 * runtime's live state for the dashboard. Latest wins; never acknowledged, never audited.
 */
export interface StatusMessage {
  type: "status";
  ts: number;
  /** "serve" or "worker" */
  role: string;
  /** legacy sessions open on this node */
  sessions: number;
  /** requests being handled now */
  inFlight: number;
  queue?: { waiting: number; active: number; completed: number; failed: number; delayed: number };
  sandboxes: StatusSandbox[];
  upstreams: StatusUpstream[];
  evals: StatusEval[];
  configVersion?: string;
  /** epoch ms the process started */
  startedAt: number;
}

/** How often a runtime sends its status frame. */
export const STATUS_INTERVAL_MS = 1_000;

/**
 * runtime → sidecar: one captured call of a tool whose capture is on (`telemetry.capture`), for
 * `mcp-sidecar replay`. Holds inputs and outputs (redacted as configured), so it is never part of
 * the audit log; the sidecar writes it to its capture store and acknowledges nothing.
 */
export interface CaptureMessage {
  type: "capture";
  calls: CapturedCall[];
}

export interface CapturedCall {
  /** unique per call (uuid) */
  id: string;
  /** epoch ms the call ended */
  ts: number;
  tool: string;
  era: "legacy" | "modern";
  /** the call's `arguments`, with the configured fields replaced by "[redacted]" */
  arguments: Record<string, unknown>;
  /** the CallToolResult without `_meta`, redacted like the arguments; absent on a JSON-RPC error */
  result?: Record<string, unknown>;
  /** the JSON-RPC error code, when the call failed as a protocol error */
  errorCode?: number;
  durationMs: number;
}

/** sidecar → runtime: run every eval now (an operator asked from the dashboard). */
export interface RunEvalsMessage {
  type: "run-evals";
  /** the operator who asked, for the audit record the runtime writes with the results */
  actor: string;
}

export type RuntimeToSidecar =
  | HelloMessage
  | EventBatchMessage
  | ConfigResultMessage
  | StatusMessage
  | CaptureMessage;
export type SidecarToRuntime = AckMessage | ConfigPushMessage | RunEvalsMessage;
