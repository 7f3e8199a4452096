/**
 * @module In-memory `JobQueue`: the embedded default and the stdio/air-gapped backend. Same
 * semantics as the BullMQ one (states, retries, cancellation, mailbox, TTL), no durability across
 * a process restart.
 */
import { EventEmitter } from "node:events";
import {
  checkQueueName,
  DEFAULT_RETRY,
  type EnqueueOptions,
  isTerminal,
  type JobContext,
  type JobProcessor,
  type JobQueue,
  type JobSnapshot,
  type JobWorker,
  type JsonRecord,
  QueueError,
  type QueueEvent,
  type QueueMetrics,
  type RetryPolicy,
  type WorkOptions,
} from "./types.js";
import { settleWhen } from "./wait-for.js";

interface Entry<P, R> {
  snapshot: JobSnapshot<P, R>;
  retry: RetryPolicy;
  controller: AbortController | undefined;
  mailbox: JsonRecord[];
  wake: (() => void) | undefined;
  cancelRequested: boolean;
}

export interface MemoryQueueOptions {
  name: string;
  /** how long finished jobs stay readable */
  resultTtlMs?: number;
}

export class MemoryJobQueue<P, R> implements JobQueue<P, R> {
  readonly backend = "memory" as const;
  readonly name: string;
  private readonly jobs = new Map<string, Entry<P, R>>();
  private readonly order: string[] = [];
  private readonly events = new EventEmitter();
  private readonly resultTtlMs: number;
  private readonly workers = new Set<{ processor: JobProcessor<P, R>; slots: number; running: number }>();
  private closed = false;
  private readonly purge: NodeJS.Timeout;

  constructor(options: MemoryQueueOptions) {
    checkQueueName(options.name);
    this.name = options.name;
    this.resultTtlMs = options.resultTtlMs ?? 3_600_000;
    this.events.setMaxListeners(0);
    this.purge = setInterval(() => this.expire(), Math.min(60_000, this.resultTtlMs)).unref();
  }

  async enqueue(options: EnqueueOptions<P>): Promise<JobSnapshot<P, R>> {
    if (this.closed) throw new QueueError("ERR_QUEUE_CLOSED", "queue is closed");
    const existing = this.jobs.get(options.id);
    if (existing) return { ...existing.snapshot };
    const now = Date.now();
    const entry: Entry<P, R> = {
      snapshot: {
        id: options.id,
        name: options.name,
        state: "waiting",
        payload: options.payload,
        progress: undefined,
        result: undefined,
        error: undefined,
        attemptsMade: 0,
        createdAt: now,
        updatedAt: now,
      },
      retry: { ...DEFAULT_RETRY, ...options.retry },
      controller: undefined,
      mailbox: [],
      wake: undefined,
      cancelRequested: false,
    };
    this.jobs.set(options.id, entry);
    this.order.push(options.id);
    this.emit("waiting", options.id);
    queueMicrotask(() => this.pump());
    return { ...entry.snapshot };
  }

  async get(id: string): Promise<JobSnapshot<P, R> | undefined> {
    const entry = this.jobs.get(id);
    return entry ? { ...entry.snapshot } : undefined;
  }

  async cancel(id: string): Promise<boolean> {
    const entry = this.jobs.get(id);
    if (!entry) return false;
    if (isTerminal(entry.snapshot.state)) return true;
    entry.cancelRequested = true;
    if (entry.snapshot.state === "waiting") this.finish(entry, "cancelled");
    else {
      entry.controller?.abort(new QueueError("ERR_CANCELLED", "cancelled"));
      entry.wake?.();
    }
    return true;
  }

  async send(id: string, message: JsonRecord): Promise<boolean> {
    const entry = this.jobs.get(id);
    if (!entry || isTerminal(entry.snapshot.state)) return false;
    entry.mailbox.push(message);
    entry.wake?.();
    return true;
  }

  waitFor(
    id: string,
    until: (job: JobSnapshot<P, R>) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<JobSnapshot<P, R> | undefined> {
    return settleWhen(this, id, until, timeoutMs, signal, 0);
  }

  onEvent(listener: (event: QueueEvent) => void): () => void {
    this.events.on("event", listener);
    return () => this.events.off("event", listener);
  }

  async metrics(): Promise<QueueMetrics> {
    const counts: QueueMetrics = { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 };
    for (const { snapshot } of this.jobs.values()) {
      if (snapshot.state === "cancelled") counts.failed++;
      else counts[snapshot.state]++;
    }
    return counts;
  }

  work(processor: JobProcessor<P, R>, options: WorkOptions = {}): JobWorker {
    const worker = { processor, slots: options.concurrency ?? 8, running: 0 };
    this.workers.add(worker);
    queueMicrotask(() => this.pump());
    return {
      health: () =>
        this.closed || !this.workers.has(worker)
          ? { ready: false, reason: "worker closed" }
          : { ready: true },
      close: async () => {
        this.workers.delete(worker);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.purge);
    this.workers.clear();
    for (const entry of this.jobs.values())
      entry.controller?.abort(new QueueError("ERR_QUEUE_CLOSED", "closed"));
  }

  private pump(): void {
    for (const worker of this.workers) {
      while (worker.running < worker.slots) {
        const id = this.order.shift();
        if (id === undefined) return;
        const entry = this.jobs.get(id);
        if (entry?.snapshot.state !== "waiting") continue;
        worker.running++;
        void this.run(entry, worker.processor).finally(() => {
          worker.running--;
          this.pump();
        });
      }
    }
  }

  private async run(entry: Entry<P, R>, processor: JobProcessor<P, R>): Promise<void> {
    const { snapshot } = entry;
    const controller = new AbortController();
    entry.controller = controller;
    snapshot.state = "active";
    snapshot.attemptsMade++;
    snapshot.updatedAt = Date.now();
    this.emit("active", snapshot.id);
    const context: JobContext<P> = {
      id: snapshot.id,
      name: snapshot.name,
      payload: snapshot.payload,
      attempt: snapshot.attemptsMade,
      signal: controller.signal,
      progress: async (data) => {
        if (isTerminal(snapshot.state)) return;
        snapshot.progress = data;
        snapshot.updatedAt = Date.now();
        this.emit("progress", snapshot.id);
      },
      receive: () =>
        new Promise<JsonRecord[]>((resolve) => {
          const drain = () => {
            entry.wake = undefined;
            resolve(entry.mailbox.splice(0));
          };
          if (entry.mailbox.length > 0 || controller.signal.aborted) drain();
          else entry.wake = drain;
        }),
    };
    try {
      const result = await processor(context);
      if (entry.cancelRequested) this.finish(entry, "cancelled");
      else {
        snapshot.result = result;
        this.finish(entry, "completed");
      }
    } catch (cause) {
      if (entry.cancelRequested) return this.finish(entry, "cancelled");
      if (snapshot.attemptsMade < entry.retry.attempts && !(cause instanceof QueueError)) {
        snapshot.state = "waiting";
        setTimeout(() => {
          this.order.push(snapshot.id);
          this.pump();
        }, entry.retry.backoffMs);
        return;
      }
      snapshot.error = {
        code: cause instanceof QueueError ? cause.code : "ERR_JOB_FAILED",
        message: cause instanceof Error ? cause.message : String(cause),
      };
      this.finish(entry, "failed");
    } finally {
      entry.controller = undefined;
    }
  }

  private finish(entry: Entry<P, R>, state: "completed" | "failed" | "cancelled"): void {
    entry.snapshot.state = state;
    entry.snapshot.updatedAt = Date.now();
    entry.wake?.();
    this.emit(state, entry.snapshot.id);
  }

  private expire(): void {
    const cutoff = Date.now() - this.resultTtlMs;
    for (const [id, { snapshot }] of this.jobs) {
      if (isTerminal(snapshot.state) && snapshot.updatedAt < cutoff) this.jobs.delete(id);
    }
  }

  private emit(type: QueueEvent["type"], jobId: string): void {
    this.events.emit("event", { type, jobId } satisfies QueueEvent);
  }
}
