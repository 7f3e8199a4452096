/**
 * @module The protocol's `TaskBackend` on a `JobQueue`: a task is a job whose id is the task id,
 * whose payload carries the owner it is bound to, and whose progress record carries the task's
 * status (working / input_required with its requests). Any runtime node sharing the queue answers.
 * Calls to batchable tools share a batch job and calls coalesced with an identical one share its
 * job; such a task's id is `<jobId>.<member>` (see tool-jobs.ts) and its view is its own share.
 */
import type { JsonObject, TaskBackend, TaskCall, TaskPolicy, TaskView } from "@mcp-runtime/protocol";
import { isTerminalStatus } from "@mcp-runtime/protocol";
import type { JobShareStore } from "@mcp-runtime/queue";
import { ToolBatcher } from "./batcher.js";
import { CallCoalescer } from "./coalescer.js";
import { OwnerTaskIndex } from "./task-index.js";
import { partOf, taskView } from "./task-views.js";
import {
  isBatch,
  keyedId,
  parseTaskId,
  randomId,
  type TaskRef,
  type ToolJob,
  type ToolJobQueue,
} from "./tool-jobs.js";
import type { ToolJobPolicy } from "./tool-policies.js";

export type { ToolJobQueue } from "./tool-jobs.js";

/** upper bound on how long tasks/update waits for the worker to take the answers */
const ANSWER_ACK_WAIT_MS = 3_000;

function settledOrAsking(view: TaskView): boolean {
  return isTerminalStatus(view.status) || view.status === "input_required";
}

export class QueueTaskBackend implements TaskBackend {
  private readonly ttlMs: number;
  private readonly batcher: ToolBatcher;
  private readonly coalescer: CallCoalescer;
  private readonly index = new OwnerTaskIndex();

  constructor(
    private readonly queue: ToolJobQueue,
    private readonly policies: ReadonlyMap<string, ToolJobPolicy>,
    resultTtlSeconds: number,
    private readonly shares: JobShareStore,
  ) {
    this.ttlMs = resultTtlSeconds * 1000;
    this.batcher = new ToolBatcher(queue, shares, this.ttlMs);
    this.coalescer = new CallCoalescer(queue, shares, this.ttlMs);
  }

  policy(tool: string): TaskPolicy | undefined {
    return this.policies.get(tool)?.task;
  }

  async submit(call: TaskCall): Promise<TaskView> {
    const policy = this.policies.get(call.tool);
    const retry = policy?.retry;
    let taskId: string;
    let job: ToolJob;
    // A keyed call (re-delivered by the transport after its node died) must land on the job of its
    // first delivery, so it is neither batched nor coalesced: its job id is derived from the key.
    if (call.key === undefined && policy?.batch)
      ({ taskId, job } = await this.batcher.add(call, policy.batch, retry));
    else if (call.key === undefined && policy?.coalesce)
      ({ taskId, job } = await this.coalescer.submit(call, retry));
    else {
      taskId = call.key === undefined ? randomId() : keyedId(call.key);
      job = await this.queue.enqueue({
        id: taskId,
        name: call.tool,
        payload: call,
        ...(retry ? { retry } : {}),
      });
    }
    this.index.add(call.owner, taskId);
    return this.viewOf(taskId, job, call.owner) as TaskView; // the job was just made for this caller
  }

  /** Enqueues calls still waiting in an open batch (before the queue closes). */
  drain(): Promise<void> {
    return this.batcher.drain();
  }

  async settle(
    taskId: string,
    owner: string,
    ms: number,
    signal?: AbortSignal,
  ): Promise<TaskView | undefined> {
    const ref = parseTaskId(taskId);
    const job = await this.queue.waitFor(
      ref.jobId,
      (j) => {
        const view = this.viewOf(taskId, j, owner);
        return view === undefined || settledOrAsking(view);
      },
      ms,
      signal,
    );
    return job ? this.decorate(ref, job, this.viewOf(taskId, job, owner)) : undefined;
  }

  async get(taskId: string, owner: string): Promise<TaskView | undefined> {
    const ref = parseTaskId(taskId);
    const job = await this.queue.get(ref.jobId);
    return job ? this.decorate(ref, job, this.viewOf(taskId, job, owner)) : undefined;
  }

  async list(
    owner: string,
    cursor: string | undefined,
  ): Promise<{ tasks: TaskView[]; nextCursor?: string } | undefined> {
    const page = this.index.page(owner, cursor);
    if (!page) return undefined;
    const views = await Promise.all(page.ids.map((taskId) => this.get(taskId, owner)));
    const tasks = views.filter((view): view is TaskView => view !== undefined);
    // Expired tasks leave the index when a listing starts over, so open cursors keep their offsets.
    if (cursor === undefined) this.index.forget(owner, new Set(page.ids.filter((_, i) => !views[i])));
    return page.nextCursor === undefined ? { tasks } : { tasks, nextCursor: page.nextCursor };
  }

  async update(taskId: string, owner: string, inputResponses: Record<string, JsonObject>): Promise<boolean> {
    const view = await this.get(taskId, owner);
    if (!view) return false;
    if (isTerminalStatus(view.status)) return true;
    const ref = parseTaskId(taskId);
    const job = await this.queue.get(ref.jobId);
    // A batch job's mailbox is shared: the member key routes the answers to this task's call.
    const member = job && isBatch(job.payload) ? { member: ref.member } : {};
    await this.queue.send(ref.jobId, { ...member, inputResponses });
    // Acknowledge once the worker took the answers, so a tasks/get right after the ack no longer
    // lists them (the spec allows an eventually consistent ack; clients poll at once anyway).
    const pending = view.inputRequests ?? {};
    const answered = Object.keys(inputResponses).filter((key) => key in pending);
    if (answered.length > 0) {
      await this.queue.waitFor(
        ref.jobId,
        (j) => {
          const now = this.viewOf(taskId, j, owner);
          const asked = now?.inputRequests ?? {};
          return (
            now === undefined ||
            isTerminalStatus(now.status) ||
            now.status !== "input_required" ||
            !answered.some((key) => key in asked)
          );
        },
        ANSWER_ACK_WAIT_MS,
      );
    }
    return true;
  }

  async cancel(taskId: string, owner: string): Promise<boolean> {
    const view = await this.get(taskId, owner);
    if (!view) return false;
    // Cancelling a finished task is an idempotent no-op (conformance: cancel on a terminal task acks).
    if (isTerminalStatus(view.status)) return true;
    const ref = parseTaskId(taskId);
    const job = await this.queue.get(ref.jobId);
    if (!job) return false;
    if (!this.shared(ref, job)) {
      await this.queue.cancel(taskId);
      return true;
    }
    // A shared job: this caller detaches (its task reads cancelled); the job stops with the last one.
    const remaining = await this.shares.leave(ref.jobId, taskId, this.ttlMs);
    if (isBatch(job.payload)) await this.queue.send(ref.jobId, { member: ref.member, cancel: true });
    if (remaining === 0) {
      if (!isBatch(job.payload)) await this.coalescer.release(job.payload, ref.jobId);
      await this.queue.cancel(ref.jobId);
    }
    return true;
  }

  watch(taskIds: readonly string[], owner: string, listener: (task: TaskView) => void): () => void {
    const byJob = new Map<string, string[]>();
    for (const taskId of taskIds) {
      const { jobId } = parseTaskId(taskId);
      byJob.set(jobId, [...(byJob.get(jobId) ?? []), taskId]);
    }
    return this.queue.onEvent((event) => {
      for (const taskId of byJob.get(event.jobId) ?? []) {
        void this.get(taskId, owner).then(
          (view) => view && listener(view),
          () => {},
        );
      }
    });
  }

  /** The caller's view of its task in `job`; undefined when it is not theirs (or not there). */
  private viewOf(taskId: string, job: ToolJob, owner: string): TaskView | undefined {
    // Another caller's task is indistinguishable from a missing one.
    const part = partOf(job, parseTaskId(taskId), owner);
    return part ? taskView(taskId, job, part, this.ttlMs) : undefined;
  }

  /** Whether the job may serve several tasks: a batch, or a coalescing tool's job (its first task's id is the job id). */
  private shared(ref: TaskRef, job: ToolJob): boolean {
    return ref.member !== undefined || this.policies.get(job.name)?.coalesce === true;
  }

  /** Shared-job tasks whose caller cancelled read cancelled, whatever the job does next. */
  private async decorate(
    ref: TaskRef,
    job: ToolJob,
    view: TaskView | undefined,
  ): Promise<TaskView | undefined> {
    if (!view || !this.shared(ref, job) || !(await this.shares.isDetached(view.taskId))) return view;
    const { taskId, createdAt, lastUpdatedAt, ttlMs, pollIntervalMs } = view;
    return {
      taskId,
      createdAt,
      lastUpdatedAt,
      ttlMs,
      pollIntervalMs,
      status: "cancelled",
      statusMessage: "Task cancelled",
    };
  }
}
