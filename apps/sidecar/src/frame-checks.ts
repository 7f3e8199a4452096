/**
 * @module Shape checks for the runtime frames the dashboard and the capture store rely on
 * (`status`, `capture`): the wire is the edge, so fields the sidecar reads are checked here
 * once and trusted afterwards. Unknown extra fields are allowed (a newer runtime may add some).
 */
import type { CapturedCall, StatusEval } from "@mcp-runtime/telemetry";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const EVAL_STATES = new Set(["pass", "fail", "pending"]);
const ERAS = new Set(["legacy", "modern"]);

function isStatusEval(value: unknown): value is StatusEval {
  return (
    isObject(value) &&
    typeof value.eval === "string" &&
    typeof value.tool === "string" &&
    EVAL_STATES.has(value.status as string) &&
    isCount(value.passes) &&
    isCount(value.failures) &&
    (value.lastRun === undefined || isCount(value.lastRun)) &&
    (value.reason === undefined || typeof value.reason === "string")
  );
}

/** @returns why the frame is refused, or undefined when it is a usable status frame */
export function statusProblem(message: Record<string, unknown>): string | undefined {
  if (!isCount(message.ts) || !isCount(message.startedAt)) return "status frame needs ts and startedAt";
  if (typeof message.role !== "string") return "status frame needs a role";
  if (!isCount(message.sessions) || !isCount(message.inFlight))
    return "status frame needs sessions and inFlight counts";
  if (!Array.isArray(message.sandboxes) || !Array.isArray(message.upstreams) || !Array.isArray(message.evals))
    return "status frame needs sandboxes, upstreams and evals arrays";
  if (!message.sandboxes.every(isObject) || !message.upstreams.every(isObject))
    return "status frame sandboxes and upstreams must be objects";
  if (!message.evals.every(isStatusEval)) return "status frame has a malformed eval";
  return undefined;
}

function isCapturedCall(value: unknown): value is CapturedCall {
  return (
    isObject(value) &&
    typeof value.id === "string" &&
    value.id.length > 0 &&
    isCount(value.ts) &&
    typeof value.tool === "string" &&
    ERAS.has(value.era as string) &&
    isObject(value.arguments) &&
    (value.result === undefined || isObject(value.result)) &&
    (value.errorCode === undefined || isCount(value.errorCode)) &&
    isCount(value.durationMs)
  );
}

/** @returns why the frame is refused, or undefined when every captured call is well formed */
export function captureProblem(message: Record<string, unknown>): string | undefined {
  if (!Array.isArray(message.calls)) return "capture frame needs a calls array";
  return message.calls.every(isCapturedCall) ? undefined : "capture frame has a malformed call";
}
