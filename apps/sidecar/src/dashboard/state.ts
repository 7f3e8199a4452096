/**
 * @module The dashboard's live state: what the page shows, kept up to date from every record the
 * audit log writes (tool calls into per-second series, eval results, config changes, the audit
 * ring), from runtimes' status frames (through `RuntimeObserver`) and from the runtime list. The
 * per-record work is a few map lookups and counter bumps; views are built once per frame.
 */
import type {
  ConfigChangeEvent,
  EvalResultEvent,
  StatusMessage,
  ToolCallEvent,
} from "@mcp-runtime/telemetry";
import type { WrittenRecord } from "../audit/index.js";
import type { SidecarMetrics } from "../metrics.js";
import type { RuntimeInfo, RuntimeObserver } from "../runtime-hub.js";
import { AuditRing, nodeOf } from "./audit-ring.js";
import { EvalBoard } from "./eval-board.js";
import {
  CONFIG_HISTORY,
  type ConfigChangeView,
  type DashboardDelta,
  type DashboardSnapshot,
} from "./protocol.js";
import { RuntimeList } from "./runtime-list.js";
import { ToolSeries } from "./tool-series.js";

export interface DashboardStateOptions {
  metrics: SidecarMetrics;
  runtimes(): RuntimeInfo[];
  runtimesVersion(): number;
  /** the watched config's current version, when the sidecar watches one */
  configVersion(): string | undefined;
  auditRecords(): number;
  version: string;
  startedAt: number;
}

/** Frames carry at most this many audit records (the page shows fewer). */
const AUDIT_PER_FRAME = 200;
/** A hostile or broken runtime must not grow the map without bound. */
const MAX_TOOLS = 2_000;
/** A tool stays in deltas while its last-minute numbers still change as time passes. */
const RECENT_SECONDS = 61;

export class DashboardState implements RuntimeObserver {
  readonly evals = new EvalBoard();
  readonly audit = new AuditRing();
  private readonly tools = new Map<string, ToolSeries>();
  private readonly touched = new Set<ToolSeries>();
  private readonly runtimeList: RuntimeList;
  private history: ConfigChangeView[] = [];
  private historyVersion = 0;
  private sent = { auditSeq: 0, evals: -1, history: -1, runtimes: "", sec: 0 };
  private lastTs = "";
  private lastTsMs = 0;

  constructor(private readonly options: DashboardStateOptions) {
    this.runtimeList = new RuntimeList(options.runtimes, options.runtimesVersion);
  }

  /** The audit log's `onWritten`: every durable record, in seq order. */
  written(records: readonly WrittenRecord[]): void {
    const nowSec = Math.floor(Date.now() / 1000);
    for (const record of records) {
      if (record.event === undefined) continue;
      if (record.ts !== this.lastTs) {
        this.lastTs = record.ts;
        this.lastTsMs = Date.parse(record.ts);
      }
      const node = nodeOf(record);
      this.audit.pushRecord(record, this.lastTsMs, node);
      if (record.type === "tool_call") this.toolCall(record.event as ToolCallEvent, nowSec);
      else if (record.type === "eval_result") this.evalResult(node, record.event as EvalResultEvent);
      else if (record.type === "config_change") this.configChange(node, record.event as ConfigChangeEvent);
    }
  }

  status(node: string, status: StatusMessage): void {
    this.evals.status(node, status.evals);
  }

  left(node: string): void {
    this.evals.forget(node);
  }

  /** Marks everything as sent: a first client's snapshot is the baseline of the next delta. */
  markSent(): void {
    this.sent = {
      auditSeq: this.audit.newestSeq,
      evals: this.evals.version,
      history: this.historyVersion,
      runtimes: this.runtimeList.signature(Date.now()),
      sec: Math.floor(Date.now() / 1000),
    };
    this.touched.clear();
  }

  snapshot(operator: DashboardSnapshot["operator"], csrfToken: string): DashboardSnapshot {
    const now = Date.now();
    const nowSec = Math.floor(now / 1000);
    return {
      ts: now,
      operator,
      csrfToken,
      sidecar: {
        version: this.options.version,
        startedAt: this.options.startedAt,
        auditRecords: this.options.auditRecords(),
      },
      tools: [...this.tools.values()].map((series) => series.view(nowSec)),
      runtimes: this.runtimeList.views(now),
      evals: this.evals.views(),
      evalRatios: this.evals.ratios(),
      config: this.config(),
      audit: this.audit.query({ limit: AUDIT_PER_FRAME, upToSeq: this.sent.auditSeq }),
    };
  }

  /** What changed since the last delta (or `markSent`), or undefined when nothing did. */
  delta(): DashboardDelta | undefined {
    const now = Date.now();
    const nowSec = Math.floor(now / 1000);
    const tools = [];
    const pointsSince = this.sent.sec;
    for (const series of this.tools.values()) {
      if (this.touched.has(series) || series.lastCallSec > nowSec - RECENT_SECONDS)
        tools.push(series.view(nowSec, pointsSince));
    }
    this.touched.clear();
    const audit = this.audit.query({ limit: AUDIT_PER_FRAME, afterSeq: this.sent.auditSeq });
    const runtimes = this.runtimeList.signature(now);
    const runtimesChanged = runtimes !== this.sent.runtimes;
    const evalsChanged = this.evals.version !== this.sent.evals;
    const historyChanged = this.historyVersion !== this.sent.history;
    if (tools.length === 0 && audit.length === 0 && !runtimesChanged && !evalsChanged && !historyChanged)
      return undefined;
    this.sent = {
      auditSeq: audit[0]?.seq ?? this.sent.auditSeq,
      evals: this.evals.version,
      history: this.historyVersion,
      runtimes,
      sec: nowSec,
    };
    return {
      ts: now,
      pointsSince,
      tools,
      // Lists the page replaces whole, so a runtime or eval that left disappears.
      ...(runtimesChanged ? { runtimes: this.runtimeList.views(now) } : {}),
      ...(evalsChanged ? { evals: this.evals.views(), evalRatios: this.evals.ratios() } : {}),
      ...(historyChanged ? { config: this.config() } : {}),
      audit,
      sidecar: { auditRecords: this.options.auditRecords() },
    };
  }

  private config(): DashboardSnapshot["config"] {
    const version = this.options.configVersion() ?? this.history.find((c) => c.status === "applied")?.version;
    return { ...(version === undefined ? {} : { version }), history: this.history };
  }

  private toolCall(event: ToolCallEvent, nowSec: number): void {
    if (typeof event.tool !== "string" || typeof event.durationMs !== "number") return;
    let series = this.tools.get(event.tool);
    if (series === undefined) {
      if (this.tools.size >= MAX_TOOLS) return;
      series = new ToolSeries(event.tool, typeof event.plugin === "string" ? event.plugin : undefined);
      this.tools.set(event.tool, series);
    }
    if (series.record(event.ts, event.outcome, event.durationMs, nowSec)) this.touched.add(series);
  }

  private evalResult(node: string | undefined, event: EvalResultEvent): void {
    if (typeof event.eval !== "string" || typeof event.tool !== "string") return;
    if (event.status !== "pass" && event.status !== "fail") return;
    this.options.metrics.evalResults.inc({ eval: event.eval, tool: event.tool, status: event.status });
    if (node !== undefined) this.evals.result(node, event);
  }

  private configChange(node: string | undefined, event: ConfigChangeEvent): void {
    const view: ConfigChangeView = {
      ts: event.ts,
      version: String(event.version),
      source: String(event.source),
      status: event.status === "applied" ? "applied" : "refused",
    };
    if (node !== undefined) view.node = node;
    if (Array.isArray(event.changes)) view.changes = event.changes.map(String);
    if (typeof event.reason === "string") view.reason = event.reason;
    this.history = [view, ...this.history.slice(0, CONFIG_HISTORY - 1)];
    this.historyVersion++;
  }
}
