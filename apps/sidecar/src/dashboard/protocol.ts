/**
 * @module What the dashboard's page and the sidecar say to each other: the JSON of `/api/*` and
 * the frames of the `/live` WebSocket. The page (dashboard/src) imports these types only, so this
 * file is the contract between the two; change both sides together.
 *
 * HTTP (all `/api/*` and `/live` need an operator session cookie; 401 JSON otherwise):
 * - `GET /` the page (302 to `/login` without a session); `GET /login` the login page;
 *   `GET /assets/*` the built page (no CDN; served with `Content-Security-Policy`).
 * - `GET /auth/modes` → `LoginModes` (no session needed).
 * - OIDC (when `dashboard.oidc` is set): `GET /auth/login`, `GET /auth/callback`.
 *   Admin token: `POST /auth/token` (form field `token`, same-origin only) → 303 to `/`.
 *   `POST /auth/logout` → 204 (needs the CSRF header).
 * - `GET /api/snapshot` → `DashboardSnapshot`.
 * - `GET /api/audit?subject=&tool=&outcome=&type=&limit=` → `{ records: AuditRecordView[] }`,
 *   newest first, from the records the sidecar holds in memory (the newest `AUDIT_RING` of them).
 * - `POST /api/actions/run-evals`, `POST /api/actions/reload-config` → `ActionResult`; both need
 *   header `x-csrf-token: <snapshot.csrfToken>` and a same-origin `Origin`; both are audited.
 * - WS `/live` (same-origin `Origin`, session cookie): the sidecar sends one `snapshot` frame, then a
 *   `delta` frame every second (`LIVE_INTERVAL_MS`) while anything changed.
 *
 * Test hooks the page keeps stable (browser tests select on them): `data-testid="live-status"`
 * with `data-state="open|closed"`; `data-testid="tool-row"` with `data-tool` and `data-calls`
 * (calls in the last minute); `data-testid="eval-row"` with `data-eval` and
 * `data-status="pass|fail|pending"`; `data-testid="audit-row"` with `data-type` and `data-tool`;
 * `data-testid="config-row"` with `data-status`; `data-testid="runtime-row"` with `data-node`;
 * login page: `data-testid="login-token"` (input), `data-testid="login-submit"`,
 * `data-testid="login-sso"` (link).
 */

export const LIVE_INTERVAL_MS = 1_000;
/** Seconds of per-second points kept per tool (the charts' width). */
export const WINDOW_SECONDS = 600;
/** Audit records the sidecar keeps in memory for the page. */
export const AUDIT_RING = 5_000;
/** Config changes kept for the history table. */
export const CONFIG_HISTORY = 50;

export interface LoginModes {
  oidc: boolean;
  token: boolean;
}

/** One second of one tool's calls, as the audit events of every runtime reported them. */
export interface ToolPoint {
  /** epoch seconds */
  t: number;
  calls: number;
  /** outcome "error" or "tool_error" */
  errors: number;
  /** latency percentiles in ms, null when there were no calls in that second */
  p50: number | null;
  p99: number | null;
}

/** A tool's last minute in one line, and its points for the charts. */
export interface ToolView {
  tool: string;
  plugin?: string;
  calls: number;
  errors: number;
  /** errors / calls over the last minute, 0 when no calls */
  errorRate: number;
  p50: number | null;
  p99: number | null;
  /** newest last, at most WINDOW_SECONDS, seconds without calls left out */
  points: ToolPoint[];
}

export interface RuntimeView {
  node: string;
  remote: string;
  connectedAt: number;
  /** the latest status frame; absent until the first one arrives */
  status?: import("@mcp-runtime/telemetry").StatusMessage;
  /** no status frame for 5 s */
  stale: boolean;
}

/** One eval as the page shows it: the worst state over the runtimes that run it. */
export interface EvalView {
  eval: string;
  tool: string;
  status: "pass" | "fail" | "pending";
  reason?: string;
  lastRun?: number;
  /** node that reported the shown state */
  node?: string;
  passes: number;
  failures: number;
}

/** Per tool: how many of its evals pass now (the `mcp_sidecar_eval_pass_ratio` gauge). */
export interface EvalRatio {
  tool: string;
  passing: number;
  total: number;
}

export interface ConfigChangeView {
  /** epoch ms */
  ts: number;
  version: string;
  source: string;
  status: "applied" | "refused";
  node?: string;
  changes?: string[];
  reason?: string;
}

/** An audit record as written to the log (chain fields left out). */
export interface AuditRecordView {
  seq: number;
  /** epoch ms the log wrote it */
  ts: number;
  type: string;
  node?: string;
  subject?: string;
  tool?: string;
  outcome?: string;
  durationMs?: number;
  traceId?: string;
  /** config_change / eval_result status */
  status?: string;
  reason?: string;
  actor?: string;
  action?: string;
  eval?: string;
}

export interface DashboardSnapshot {
  ts: number;
  operator: { subject: string; name?: string };
  csrfToken: string;
  sidecar: { version: string; startedAt: number; auditRecords: number };
  tools: ToolView[];
  runtimes: RuntimeView[];
  evals: EvalView[];
  evalRatios: EvalRatio[];
  config: { version?: string; history: ConfigChangeView[] };
  /** newest first, at most 200 */
  audit: AuditRecordView[];
}

/** Every second: what changed since the last frame. */
export interface DashboardDelta {
  ts: number;
  /**
   * Epoch second from which `tools[].points` are complete: the page replaces a tool's points at
   * or after it and keeps the older ones (the second in progress at the last frame comes again).
   * Points alone would cost a busy sidecar megabytes per second per page if sent whole.
   */
  pointsSince: number;
  /** tools with calls in the last minute: summary fields, and their points since `pointsSince` */
  tools: ToolView[];
  /** present when changed: the whole list (so a runtime that left disappears) */
  runtimes?: RuntimeView[];
  /** present when changed, whole, with `evalRatios` */
  evals?: EvalView[];
  evalRatios?: EvalRatio[];
  /** present when the history changed */
  config?: { version?: string; history: ConfigChangeView[] };
  /** records written since the last frame, newest first */
  audit: AuditRecordView[];
  sidecar: { auditRecords: number };
}

export type LiveFrame =
  | { type: "snapshot"; snapshot: DashboardSnapshot }
  | { type: "delta"; delta: DashboardDelta };

export interface ActionResult {
  ok: boolean;
  message: string;
  /** runtimes the action reached */
  runtimes?: number;
}
