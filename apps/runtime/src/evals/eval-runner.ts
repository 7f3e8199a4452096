/**
 * @module Runs the configured eval checks and reports each outcome: an `eval_result` audit event,
 * the `mcp_eval_passing` / `mcp_eval_runs_total` metrics, a log line (failures at warn, passes at
 * debug) and the latest-state table of the status frame. Runs never overlap: a scheduled tick
 * during a run is skipped, a reload's or an operator's run follows the current one.
 */
import type { EvalsConfig } from "@mcp-runtime/config";
import type { McpServer, RequestChannel } from "@mcp-runtime/protocol";
import type { AuditEvent, EvalTrigger, RuntimeMetrics, StatusEval } from "@mcp-runtime/telemetry";
import { type Logger, scrub } from "../logger.js";
import { type CheckOutcome, type CompiledCheck, runCheck } from "./check-run.js";
import { EvalStates } from "./eval-states.js";
import { compileExpectation } from "./expectation.js";
import { EVAL_SUBJECT } from "./subject.js";

const MAX_REASON_CHARS = 500;

/** Eval calls are answered on their own channel; nothing is ever sent out of band. */
const NO_PEER: RequestChannel = { send() {} };

export interface EvalRunnerParts {
  server: McpServer;
  audit(event: AuditEvent): void;
  metrics: RuntimeMetrics | undefined;
  logger: Logger;
}

export class EvalRunner {
  private readonly parts: EvalRunnerParts;
  private readonly states = new EvalStates();
  private checks: readonly CompiledCheck[] = [];
  private timeoutMs = 0;
  private intervalMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private queued: EvalTrigger | undefined;
  private seq = 0;
  private closed = false;

  constructor(parts: EvalRunnerParts, settings: EvalsConfig) {
    this.parts = parts;
    this.configure(settings);
  }

  /** Takes a config's checks (compiled here, once) and period; a removed check leaves the gauge. */
  configure(settings: EvalsConfig): void {
    this.checks = settings.checks.map((check) => ({ check, expectation: compileExpectation(check.expect) }));
    this.timeoutMs = settings.timeoutMs;
    this.states.configure(settings.checks);
    this.parts.metrics?.retainEvals(new Set(settings.checks.map((check) => check.name)));
    const intervalMs = this.checks.length === 0 ? 0 : settings.intervalSeconds * 1000;
    if (intervalMs === this.intervalMs || this.closed) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.intervalMs = intervalMs;
    if (intervalMs > 0) {
      this.timer = setInterval(() => void this.run("schedule"), intervalMs);
      this.timer.unref();
    }
  }

  /** The latest outcome of each configured check. */
  latest(): StatusEval[] {
    return this.states.list();
  }

  /** An operator asked (from the dashboard): audited, then run after any run in progress. */
  requestedBy(actor: string): Promise<void> {
    this.parts.audit({ type: "admin_action", ts: Date.now(), actor, action: "run-evals" });
    return this.run("operator");
  }

  /** Runs every check once; resolves when this run (or the one it was folded into) is done. */
  run(trigger: EvalTrigger): Promise<void> {
    if (this.closed || this.checks.length === 0) return this.running ?? Promise.resolve();
    if (this.running !== undefined) {
      // A tick during a run is skipped; anything else runs once more after it, with the checks then.
      if (trigger !== "schedule") this.queued = trigger;
      return this.running;
    }
    const run = this.runAll(trigger).finally(() => {
      this.running = undefined;
      const next = this.queued;
      this.queued = undefined;
      if (next !== undefined) void this.run(next);
    });
    this.running = run;
    return run;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async runAll(trigger: EvalTrigger): Promise<void> {
    const { checks, timeoutMs } = this;
    // One short-lived session per run: it counts as a session while the run lasts, and closing it
    // cancels whatever a timed-out check left running.
    const session = this.parts.server.createSession(NO_PEER, { subject: EVAL_SUBJECT });
    try {
      await Promise.all(
        checks.map(async (compiled) => {
          const outcome = await runCheck(session, `eval-${++this.seq}`, compiled, timeoutMs).catch(
            (cause: unknown): CheckOutcome => ({ status: "fail", reason: String(cause), durationMs: 0 }),
          );
          this.report(compiled, outcome, trigger);
        }),
      );
    } finally {
      session.close("eval run finished");
    }
  }

  private report({ check }: CompiledCheck, outcome: CheckOutcome, trigger: EvalTrigger): void {
    const { name, tool } = check;
    const { status, durationMs } = outcome;
    const reason = outcome.reason === undefined ? undefined : oneLine(outcome.reason);
    const ts = Date.now();
    this.parts.audit({
      type: "eval_result",
      ts,
      eval: name,
      tool,
      status,
      ...(reason === undefined ? {} : { reason }),
      trigger,
      durationMs,
    });
    // A check a reload removed or changed during this run leaves the gauge and the table alone.
    if (this.checks.some((current) => current.check === check)) {
      this.parts.metrics?.evalResult(name, tool, status);
      this.states.record(name, status, reason, ts);
    }
    if (status === "fail") this.parts.logger.warn({ msg: "eval failed", eval: name, tool, trigger, reason });
    else this.parts.logger.debug({ msg: "eval passed", eval: name, tool, trigger, duration_ms: durationMs });
  }
}

/** One line, scrubbed of bearer strings, at most 500 characters (the audit record's bound). */
function oneLine(reason: string): string {
  const line = String(scrub(reason.replace(/\s*[\r\n]+\s*/g, " ")));
  return line.length <= MAX_REASON_CHARS ? line : `${line.slice(0, MAX_REASON_CHARS - 1)}…`;
}
