/**
 * @module Coalesces identical concurrent calls to an idempotent tool into one execution. Calls are
 * identical when tool, canonical JSON of the arguments (object keys sorted), answers given so far
 * and owner match: coalescing never crosses subjects, so each task stays bound to its own caller.
 * The first call claims the key for its job (`SET NX PX` on Redis, shared by every node; a Map in
 * memory) and its task id is the job id, as for any lone call; later callers attach to that job
 * under their own task id `<jobId>.<member>`.
 */
import { createHash } from "node:crypto";
import type { TaskCall } from "@mcp-runtime/protocol";
import { isTerminal, type JobShareStore, type RetryPolicy } from "@mcp-runtime/queue";
import { sortKeysDeep } from "../sorted-keys.js";
import { memberTaskId, randomId, type ToolJob, type ToolJobQueue } from "./tool-jobs.js";

/**
 * How long a claim lives: it only has to outlast the burst of identical calls. A call arriving
 * after it lapses (or after the job finished) starts a fresh execution.
 */
export const COALESCE_WINDOW_MS = 60_000;

export function coalesceKey(call: TaskCall): string {
  // Keys sorted at every depth, so `{a,b}` and `{b,a}` are the same call.
  const identity = JSON.stringify(sortKeysDeep([call.tool, call.owner, call.arguments, call.inputResponses]));
  return createHash("sha256").update(identity).digest("base64url");
}

export class CallCoalescer {
  constructor(
    private readonly queue: ToolJobQueue,
    private readonly shares: JobShareStore,
    private readonly ttlMs: number,
    private readonly windowMs = COALESCE_WINDOW_MS,
  ) {}

  /** Runs `call`, or attaches it to the identical call in flight; resolves with its own task id. */
  async submit(call: TaskCall, retry: RetryPolicy | undefined): Promise<{ taskId: string; job: ToolJob }> {
    const key = coalesceKey(call);
    const enqueue = (id: string) =>
      this.queue.enqueue({ id, name: call.tool, payload: call, ...(retry ? { retry } : {}) });
    for (let round = 0; round < 3; round++) {
      const fresh = randomId();
      const holder = await this.shares.claim(key, fresh, this.windowMs);
      // Enqueueing an existing id returns that job: a caller that wins the claim a moment before
      // the first caller's enqueue lands still finds (or creates) the one job.
      const job = await enqueue(holder);
      if (holder === fresh) return this.attach(holder, job, true);
      if (!isTerminal(job.state)) return this.attach(holder, job, false);
      // The claim points at a finished job: move it to a fresh one, unless another caller did.
      if (await this.shares.replace(key, holder, fresh, this.windowMs))
        return this.attach(fresh, await enqueue(fresh), true);
    }
    // Persistent contention: run uncoalesced rather than fail the call.
    const alone = randomId();
    return this.attach(alone, await enqueue(alone), true);
  }

  /** After the last caller cancelled: new identical calls must start afresh, not attach. */
  release(call: TaskCall, jobId: string): Promise<void> {
    return this.shares.release(coalesceKey(call), jobId);
  }

  private async attach(
    jobId: string,
    job: ToolJob,
    first: boolean,
  ): Promise<{ taskId: string; job: ToolJob }> {
    const taskId = first ? jobId : memberTaskId(jobId, randomId());
    await this.shares.join(jobId, [taskId], this.ttlMs);
    return { taskId, job };
  }
}
