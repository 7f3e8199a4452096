/**
 * @module The protocol's `TaskBackend` on a `JobQueue`: a task is a job whose id is the task id,
 * whose payload carries the owner it is bound to, and whose progress record carries the task's
 * status (working / input_required with its requests). Any runtime node sharing the queue answers.
 */
import { randomBytes } from "node:crypto";
import type {
  JsonObject,
  TaskBackend,
  TaskCall,
  TaskOutcome,
  TaskPolicy,
  TaskView,
} from "@mcp-runtime/protocol";
import { isTerminal, type JobQueue, type JobSnapshot } from "@mcp-runtime/queue";
import type { ToolJobPolicy } from "./tool-policies.js";

export type ToolJobQueue = JobQueue<TaskCall, TaskOutcome>;

const POLL_INTERVAL_MS = 1_000;
/** upper bound on how long tasks/update waits for the worker to take the answers */
const ANSWER_ACK_WAIT_MS = 3_000;

function needsInput(job: JobSnapshot<TaskCall, TaskOutcome>): boolean {
  return job.progress?.status === "input_required";
}

export class QueueTaskBackend implements TaskBackend {
  private readonly ttlMs: number;

  constructor(
    private readonly queue: ToolJobQueue,
    private readonly policies: ReadonlyMap<string, ToolJobPolicy>,
    resultTtlSeconds: number,
  ) {
    this.ttlMs = resultTtlSeconds * 1000;
  }

  policy(tool: string): TaskPolicy | undefined {
    return this.policies.get(tool)?.task;
  }

  async submit(call: TaskCall): Promise<TaskView> {
    // 128 random bits: task ids double as bearer handles (SEP-2663 security considerations).
    const id = randomBytes(16).toString("base64url");
    const retry = this.policies.get(call.tool)?.retry;
    const job = await this.queue.enqueue({ id, name: call.tool, payload: call, ...(retry ? { retry } : {}) });
    return this.view(job);
  }

  async settle(
    taskId: string,
    owner: string,
    ms: number,
    signal?: AbortSignal,
  ): Promise<TaskView | undefined> {
    const job = await this.queue.waitFor(taskId, (j) => isTerminal(j.state) || needsInput(j), ms, signal);
    return job && job.payload.owner === owner ? this.view(job) : undefined;
  }

  async get(taskId: string, owner: string): Promise<TaskView | undefined> {
    const job = await this.owned(taskId, owner);
    return job ? this.view(job) : undefined;
  }

  async update(taskId: string, owner: string, inputResponses: Record<string, JsonObject>): Promise<boolean> {
    const job = await this.owned(taskId, owner);
    if (!job) return false;
    if (isTerminal(job.state)) return true;
    await this.queue.send(taskId, { inputResponses });
    // Acknowledge once the worker took the answers, so a tasks/get right after the ack no longer
    // lists them (the spec allows an eventually consistent ack; clients poll at once anyway).
    const pending = job.progress?.inputRequests;
    const answered = Object.keys(inputResponses).filter(
      (key) => typeof pending === "object" && pending !== null && key in pending,
    );
    if (answered.length > 0) {
      await this.queue.waitFor(
        taskId,
        (j) => {
          const now = j.progress?.inputRequests;
          return (
            isTerminal(j.state) ||
            !needsInput(j) ||
            !answered.some((key) => typeof now === "object" && now !== null && key in now)
          );
        },
        ANSWER_ACK_WAIT_MS,
      );
    }
    return true;
  }

  async cancel(taskId: string, owner: string): Promise<boolean> {
    const job = await this.owned(taskId, owner);
    if (!job) return false;
    // Cancelling a finished task is an idempotent no-op (conformance: cancel on a terminal task acks).
    if (!isTerminal(job.state)) await this.queue.cancel(taskId);
    return true;
  }

  watch(taskIds: readonly string[], owner: string, listener: (task: TaskView) => void): () => void {
    const wanted = new Set(taskIds);
    return this.queue.onEvent((event) => {
      if (!wanted.has(event.jobId)) return;
      void this.get(event.jobId, owner).then(
        (view) => view && listener(view),
        () => {},
      );
    });
  }

  private async owned(
    taskId: string,
    owner: string,
  ): Promise<JobSnapshot<TaskCall, TaskOutcome> | undefined> {
    const job = await this.queue.get(taskId);
    // Another caller's task is indistinguishable from a missing one.
    return job && job.payload.owner === owner ? job : undefined;
  }

  private view(job: JobSnapshot<TaskCall, TaskOutcome>): TaskView {
    const base = {
      taskId: job.id,
      createdAt: new Date(job.createdAt).toISOString(),
      lastUpdatedAt: new Date(job.updatedAt).toISOString(),
      ttlMs: this.ttlMs,
      pollIntervalMs: POLL_INTERVAL_MS,
    };
    const progress = job.progress;
    switch (job.state) {
      case "waiting":
      case "active": {
        if (needsInput(job))
          return {
            ...base,
            status: "input_required",
            inputRequests: (progress?.inputRequests ?? {}) as TaskView["inputRequests"],
          };
        const message = typeof progress?.statusMessage === "string" ? progress.statusMessage : undefined;
        return { ...base, status: "working", ...(message === undefined ? {} : { statusMessage: message }) };
      }
      case "completed": {
        const outcome = job.result;
        if (outcome?.kind === "result") return { ...base, status: "completed", result: outcome.result };
        const error = outcome?.error ?? { code: -32603, message: "Task produced no result" };
        return { ...base, status: "failed", statusMessage: error.message, error };
      }
      case "failed": {
        const message = job.error ? `${job.error.code}: ${job.error.message}` : "Task failed";
        return { ...base, status: "failed", statusMessage: message, error: { code: -32603, message } };
      }
      case "cancelled":
        return { ...base, status: "cancelled", statusMessage: "Task cancelled" };
    }
  }
}
