/**
 * @module The operator actions behind the dashboard's buttons, each audited as an `admin_action`
 * written by the sidecar itself: run every runtime's evals now, and re-read and push the watched
 * config. Also the one writer of those records (a failed audit write is logged, never thrown at
 * the operator).
 */
import type { Logger } from "@mcp-runtime/telemetry";
import type { AuditLog } from "../audit/index.js";
import type { ConfigWatch } from "../config-watch.js";
import type { RuntimeHub } from "../runtime-hub.js";
import type { AuditAction } from "./login.js";
import type { ActionResult } from "./protocol.js";
import type { DashboardActions } from "./server.js";

export function auditActionTo(log: AuditLog, logger: Logger): AuditAction {
  return (actor, action, detail) => {
    try {
      log.append({ type: "admin_action", ts: Date.now(), actor, action, ...(detail ? { detail } : {}) });
    } catch (cause) {
      logger.error({ msg: "audit write failed", error: String(cause) });
    }
  };
}

export interface OperatorActionOptions {
  hub: RuntimeHub;
  watch: ConfigWatch | undefined;
  /** how many runtimes the last push reached (the watch's `onValid` pushes) */
  lastPush(): number;
  audit: AuditAction;
}

export function createOperatorActions(options: OperatorActionOptions): DashboardActions {
  const { hub, watch, audit } = options;
  return {
    runEvals(actor: string): ActionResult {
      const runtimes = hub.runEvals(actor);
      audit(actor, "run-evals", { runtimes });
      return runtimes === 0
        ? { ok: false, message: "no runtime is connected", runtimes }
        : { ok: true, message: `asked ${runtimes} runtime(s) to run their evals`, runtimes };
    },
    async reloadConfig(actor: string): Promise<ActionResult> {
      if (watch === undefined) {
        audit(actor, "reload-config", { ok: false });
        return { ok: false, message: "this sidecar watches no config file (set watch: FILE)" };
      }
      const result = await watch.reload();
      if (!result.ok) {
        audit(actor, "reload-config", { ok: false });
        return { ok: false, message: `config refused: ${result.reason}` };
      }
      const runtimes = options.lastPush();
      audit(actor, "reload-config", { ok: true, version: result.version, runtimes });
      return { ok: true, message: `config ${result.version.slice(0, 12)} pushed`, runtimes };
    },
  };
}
