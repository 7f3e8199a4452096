/**
 * @module Runs a tool job in the worker: a single call as before, or a batch job, whose calls run
 * concurrently, each through the same task execution as a lone call with its own port. Each call's
 * progress and, when it ends, its outcome go into its own record of the job's progress, so its
 * task reads done as soon as its call is, not when the slowest call of the batch is. Messages to
 * the job are addressed to one member (tasks/update answers, a caller's cancel).
 */
import { type Catalog, runToolTask, type TaskJobPort, type TaskOutcome } from "@mcp-runtime/protocol";
import type { JobContext, JsonRecord } from "@mcp-runtime/queue";
import { type BatchPayload, isBatch, type ToolJobOutcome, type ToolJobPayload } from "./tool-jobs.js";

interface MemberPort extends TaskJobPort {
  deliver(message: JsonRecord): void;
  abort(): void;
}

export function runToolJob(catalog: Catalog, job: JobContext<ToolJobPayload>): Promise<ToolJobOutcome> {
  const { payload } = job;
  return isBatch(payload) ? runBatch(catalog, payload, job) : runToolTask(catalog, payload, job);
}

async function runBatch(
  catalog: Catalog,
  payload: BatchPayload,
  job: JobContext<ToolJobPayload>,
): Promise<ToolJobOutcome> {
  const records: Record<string, JsonRecord> = {};
  // Progress writes are whole snapshots of every record, chained so they land in order.
  let writes = Promise.resolve();
  const publish = (): Promise<void> => {
    const snapshot = { members: { ...records } };
    writes = writes.then(() => job.progress(snapshot)).catch(() => {});
    return writes;
  };
  const ports = new Map<string, MemberPort>();
  for (const { member } of payload.members)
    ports.set(
      member,
      memberPort(job.signal, (data) => {
        records[member] = data;
        return publish();
      }),
    );
  let running = true;
  const mail = (async () => {
    while (running && !job.signal.aborted) {
      for (const message of await job.receive()) {
        const port = typeof message.member === "string" ? ports.get(message.member) : undefined;
        if (!port) continue;
        if (message.cancel === true) port.abort();
        else port.deliver(message);
      }
    }
  })();
  const outcomes: Record<string, TaskOutcome> = {};
  await Promise.all(
    payload.members.map(async ({ member, call }) => {
      const port = ports.get(member) as MemberPort; // set above for every member
      let outcome: TaskOutcome;
      try {
        outcome = await runToolTask(catalog, call, port);
      } catch (cause) {
        // One call's failure (or its caller's cancel) must not fail the other calls of the batch.
        const message = cause instanceof Error ? cause.message : String(cause);
        outcome = { kind: "error", error: { code: -32603, message } };
      }
      outcomes[member] = outcome;
      records[member] = { status: "done", outcome };
      await publish();
    }),
  );
  running = false;
  // The pending receive() resolves when the job ends; the loop then sees `running` false.
  void mail;
  return { kind: "batch", outcomes };
}

function memberPort(jobSignal: AbortSignal, progress: (data: JsonRecord) => Promise<void>): MemberPort {
  const controller = new AbortController();
  const abort = () => {
    controller.abort(new Error("cancelled"));
    wake?.();
  };
  if (jobSignal.aborted) abort();
  else jobSignal.addEventListener("abort", abort, { once: true });
  let inbox: JsonRecord[] = [];
  let wake: (() => void) | undefined;
  return {
    signal: controller.signal,
    progress,
    receive: () =>
      new Promise((resolve) => {
        const drain = () => {
          wake = undefined;
          const taken = inbox;
          inbox = [];
          resolve(taken);
        };
        if (inbox.length > 0 || controller.signal.aborted) drain();
        else wake = drain;
      }),
    deliver(message) {
      inbox.push(message);
      wake?.();
    },
    abort,
  };
}
