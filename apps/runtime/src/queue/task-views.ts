/**
 * @module A task's view (`DetailedTask`) from the job behind it. A task that owns its job reads the
 * job's state, progress and result; a batch member reads its own record inside the batch job's
 * progress and its own outcome, so tasks/get answers per call even when one job runs many calls.
 */
import type { TaskOutcome, TaskView } from "@mcp-runtime/protocol";
import type { JobFailure, JobState, JsonRecord } from "@mcp-runtime/queue";
import { isBatch, type TaskRef, type ToolJob } from "./tool-jobs.js";

export const POLL_INTERVAL_MS = 1_000;

/** One task's share of a job. */
export interface TaskPart {
  state: JobState;
  progress: JsonRecord | undefined;
  outcome: TaskOutcome | undefined;
  error: JobFailure | undefined;
}

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The record a batch worker keeps for one member: its progress, then `{ outcome }` when done. */
export function memberRecord(progress: JsonRecord | undefined, member: string): JsonRecord | undefined {
  const members = progress?.members;
  const record = isRecord(members) ? members[member] : undefined;
  return isRecord(record) ? record : undefined;
}

/** The caller's part of `job`; undefined when the task is another caller's or does not exist. */
export function partOf(job: ToolJob, ref: TaskRef, owner: string): TaskPart | undefined {
  const { payload } = job;
  if (!isBatch(payload)) {
    if (payload.owner !== owner) return undefined;
    const outcome = job.result?.kind === "batch" ? undefined : job.result;
    return { state: job.state, progress: job.progress, outcome, error: job.error };
  }
  // The batch job's own id is never handed out: only its members are tasks.
  const member = ref.member;
  const entry = member === undefined ? undefined : payload.members.find((m) => m.member === member);
  if (!entry || member === undefined || entry.call.owner !== owner) return undefined;
  const record = memberRecord(job.progress, member);
  const outcome =
    (record?.outcome as TaskOutcome | undefined) ??
    (job.result?.kind === "batch" ? job.result.outcomes[member] : undefined);
  if (outcome) return { state: "completed", progress: record, outcome, error: undefined };
  return { state: job.state, progress: record, outcome: undefined, error: job.error };
}

export function needsInput(part: TaskPart): boolean {
  return part.progress?.status === "input_required";
}

export function taskView(
  taskId: string,
  job: ToolJob,
  part: TaskPart,
  ttlMs: number,
  detached = false,
): TaskView {
  const base = {
    taskId,
    createdAt: new Date(job.createdAt).toISOString(),
    lastUpdatedAt: new Date(job.updatedAt).toISOString(),
    ttlMs,
    pollIntervalMs: POLL_INTERVAL_MS,
  };
  const { progress } = part;
  // A caller that cancelled its share of a shared job sees its task cancelled for good (cancel
  // refuses terminal tasks first, so this never rewrites a status the caller already saw final).
  const state = detached ? "cancelled" : part.state;
  switch (state) {
    case "waiting":
    case "active": {
      if (needsInput(part))
        return {
          ...base,
          status: "input_required",
          inputRequests: (progress?.inputRequests ?? {}) as TaskView["inputRequests"],
        };
      const message = typeof progress?.statusMessage === "string" ? progress.statusMessage : undefined;
      return { ...base, status: "working", ...(message === undefined ? {} : { statusMessage: message }) };
    }
    case "completed": {
      const outcome = part.outcome;
      if (outcome?.kind === "result") return { ...base, status: "completed", result: outcome.result };
      const error = outcome?.error ?? { code: -32603, message: "Task produced no result" };
      return { ...base, status: "failed", statusMessage: error.message, error };
    }
    case "failed": {
      const message = part.error ? `${part.error.code}: ${part.error.message}` : "Task failed";
      return { ...base, status: "failed", statusMessage: message, error: { code: -32603, message } };
    }
    case "cancelled":
      return { ...base, status: "cancelled", statusMessage: "Task cancelled" };
  }
}
