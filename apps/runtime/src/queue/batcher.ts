/**
 * @module Groups queued calls to a batchable tool into one job: a batch opens with its first call
 * and is enqueued when it holds `maxSize` calls or `maxWaitMs` after it opened, whichever is first.
 * Batches are per runtime node (calls are grouped where they arrive); each call keeps its own task
 * id `<batchJobId>.<member>`, and the submit resolves once the batch job is stored, so the task is
 * durable before the client hears of it (at most `maxWaitMs` later than an unbatched one).
 */
import type { TaskCall } from "@mcp-runtime/protocol";
import type { JobShareStore, RetryPolicy } from "@mcp-runtime/queue";
import { type BatchMember, memberTaskId, randomId, type ToolJob, type ToolJobQueue } from "./tool-jobs.js";

export interface BatchWindow {
  maxSize: number;
  maxWaitMs: number;
}

interface OpenBatch {
  jobId: string;
  tool: string;
  members: BatchMember[];
  retry: RetryPolicy | undefined;
  timer: NodeJS.Timeout | undefined;
  waiters: { resolve(job: ToolJob): void; reject(cause: unknown): void }[];
}

export class ToolBatcher {
  private readonly open = new Map<string, OpenBatch>();

  constructor(
    private readonly queue: ToolJobQueue,
    private readonly shares: JobShareStore,
    private readonly ttlMs: number,
  ) {}

  /** Adds `call` to its tool's open batch; resolves with its task id once the batch job is stored. */
  async add(
    call: TaskCall,
    window: BatchWindow,
    retry: RetryPolicy | undefined,
  ): Promise<{ taskId: string; job: ToolJob }> {
    let batch = this.open.get(call.tool);
    if (!batch) {
      const opened: OpenBatch = {
        jobId: randomId(),
        tool: call.tool,
        members: [],
        retry,
        timer: undefined,
        waiters: [],
      };
      opened.timer = setTimeout(() => void this.flush(opened), window.maxWaitMs);
      this.open.set(call.tool, opened);
      batch = opened;
    }
    const member = randomId();
    batch.members.push({ member, call });
    const stored = new Promise<ToolJob>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (batch.members.length >= window.maxSize) void this.flush(batch);
    return { taskId: memberTaskId(batch.jobId, member), job: await stored };
  }

  /** Enqueues every open batch now (before the queue closes). */
  async drain(): Promise<void> {
    await Promise.all([...this.open.values()].map((batch) => this.flush(batch)));
  }

  private async flush(batch: OpenBatch): Promise<void> {
    if (this.open.get(batch.tool) !== batch) return;
    this.open.delete(batch.tool);
    clearTimeout(batch.timer);
    try {
      // Members first: a cancel arriving right after the submit must find its member to detach.
      const taskIds = batch.members.map((m) => memberTaskId(batch.jobId, m.member));
      await this.shares.join(batch.jobId, taskIds, this.ttlMs);
      const job = await this.queue.enqueue({
        id: batch.jobId,
        name: batch.tool,
        payload: { kind: "batch", tool: batch.tool, members: batch.members },
        ...(batch.retry ? { retry: batch.retry } : {}),
      });
      for (const waiter of batch.waiters) waiter.resolve(job);
    } catch (cause) {
      for (const waiter of batch.waiters) waiter.reject(cause);
    }
  }
}
