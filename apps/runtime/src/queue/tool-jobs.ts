/**
 * @module What a tool job carries: one task's call, or a batch of calls to one batchable tool; and
 * how task ids name them. A plain task id is its job's id; a task that shares a job (a batch member
 * or a coalesced caller) is `<jobId>.<member>`, so any node finds the job from the id alone.
 */
import { createHash, randomBytes } from "node:crypto";
import type { TaskCall, TaskOutcome } from "@mcp-runtime/protocol";
import type { JobQueue, JobSnapshot } from "@mcp-runtime/queue";

export interface BatchMember {
  /** the member part of the task id */
  member: string;
  call: TaskCall;
}

export interface BatchPayload {
  kind: "batch";
  tool: string;
  members: BatchMember[];
}

export interface BatchOutcome {
  kind: "batch";
  outcomes: Record<string, TaskOutcome>;
}

export type ToolJobPayload = TaskCall | BatchPayload;
export type ToolJobOutcome = TaskOutcome | BatchOutcome;
export type ToolJobQueue = JobQueue<ToolJobPayload, ToolJobOutcome>;
export type ToolJob = JobSnapshot<ToolJobPayload, ToolJobOutcome>;

export function isBatch(payload: ToolJobPayload): payload is BatchPayload {
  return (payload as Partial<BatchPayload>).kind === "batch";
}

/** 128 random bits: task ids double as bearer handles (SEP-2663 security considerations). */
export function randomId(): string {
  return randomBytes(16).toString("base64url");
}

/**
 * The job id of a keyed call: a digest, so the id stays an unguessable 128-bit handle when the key
 * holds a session id, and carries no "." (which would read as a member id).
 */
export function keyedId(key: string): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 22);
}

export interface TaskRef {
  jobId: string;
  member: string | undefined;
}

/** base64url has no ".", so the first one separates job and member. */
export function parseTaskId(taskId: string): TaskRef {
  const dot = taskId.indexOf(".");
  return dot < 0
    ? { jobId: taskId, member: undefined }
    : { jobId: taskId.slice(0, dot), member: taskId.slice(dot + 1) };
}

export function memberTaskId(jobId: string, member: string): string {
  return `${jobId}.${member}`;
}
