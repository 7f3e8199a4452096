/**
 * @module BullMQ (Redis) `JobQueue`: jobs survive runtime and worker restarts, any node can read a
 * job's progress and result, and any number of worker processes consume it. Cancellation and the
 * per-job mailbox are two small Redis keys beside BullMQ's own, polled by the running worker.
 */
import { Queue as BullQueue, type Job, QueueEvents, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import {
  checkQueueName,
  DEFAULT_RETRY,
  type EnqueueOptions,
  type JobContext,
  type JobFailure,
  type JobProcessor,
  type JobQueue,
  type JobSnapshot,
  type JobState,
  type JobWorker,
  type JsonRecord,
  QueueError,
  type QueueEvent,
  type QueueMetrics,
  type WorkerHealth,
  type WorkOptions,
} from "./types.js";
import { settleWhen } from "./wait-for.js";

export interface BullMqQueueOptions {
  name: string;
  /** redis:// or rediss:// URL */
  url: string;
  /** Redis key prefix (default "mcpq") */
  prefix?: string;
  resultTtlMs?: number;
  /**
   * How long a worker's lock on a job lasts without renewal; a worker that dies is noticed after
   * about this long (BullMQ default 30 s).
   */
  lockDurationMs?: number;
  /** how often running jobs look for cancellation and mailbox messages */
  pollMs?: number;
  /**
   * How long closing a worker (or the queue) waits for running jobs (default 5 s). Jobs still
   * running then are abandoned with their lock: once it lapses, the stalled-job check of another
   * worker puts them back in the queue (idempotent jobs) or fails them with ERR_WORKER_LOST.
   */
  closeGraceMs?: number;
}

interface JobData<P> {
  payload: P;
  retryOnWorkerLoss: boolean;
}

const CANCELLED = "ERR_CANCELLED";

function connect(url: string): Redis {
  // null: commands wait for a reconnect instead of failing (a Redis restart must lose nothing).
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

function parseFailure(reason: string | undefined): JobFailure {
  const text = reason ?? "job failed";
  const match = /^(ERR_[A-Z_]+): (.*)$/s.exec(text);
  return match?.[1] && match[2] !== undefined
    ? { code: match[1], message: match[2] }
    : { code: "ERR_JOB_FAILED", message: text };
}

export class BullMqJobQueue<P, R> implements JobQueue<P, R> {
  readonly backend = "bullmq" as const;
  readonly name: string;
  private readonly url: string;
  private readonly prefix: string;
  private readonly resultTtlSeconds: number;
  private readonly lockDurationMs: number;
  private readonly pollMs: number;
  private readonly closeGraceMs: number;
  private readonly redis: Redis;
  private readonly queue: BullQueue;
  private events: QueueEvents | undefined;
  private readonly listeners = new Set<(event: QueueEvent) => void>();
  private readonly workers = new Set<BoundedWorker>();
  /** BullMQ leaves connections it was handed open; we close every one we made */
  private readonly connections: Redis[] = [];

  constructor(options: BullMqQueueOptions) {
    checkQueueName(options.name);
    this.name = options.name;
    this.url = options.url;
    this.prefix = options.prefix ?? "mcpq";
    this.resultTtlSeconds = Math.max(1, Math.ceil((options.resultTtlMs ?? 3_600_000) / 1000));
    this.lockDurationMs = options.lockDurationMs ?? 30_000;
    this.pollMs = options.pollMs ?? 150;
    this.closeGraceMs = options.closeGraceMs ?? 5_000;
    if (!Number.isInteger(this.closeGraceMs) || this.closeGraceMs < 0)
      throw new TypeError('"closeGraceMs" option must be a non-negative integer');
    this.redis = this.connect();
    this.queue = new BullQueue(this.name, { connection: this.redis, prefix: this.prefix });
  }

  private connect(): Redis {
    const redis = connect(this.url);
    redis.on("error", () => {});
    this.connections.push(redis);
    return redis;
  }

  private key(kind: "cancel" | "mail", id: string): string {
    return `${this.prefix}:${this.name}:x-${kind}:${id}`;
  }

  async enqueue(options: EnqueueOptions<P>): Promise<JobSnapshot<P, R>> {
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    const data: JobData<P> = { payload: options.payload, retryOnWorkerLoss: retry.retryOnWorkerLoss };
    const age = this.resultTtlSeconds;
    const job = await this.queue.add(options.name, data, {
      jobId: options.id,
      attempts: retry.attempts,
      ...(retry.backoffMs > 0 ? { backoff: { type: "fixed", delay: retry.backoffMs } } : {}),
      removeOnComplete: { age },
      removeOnFail: { age },
    });
    return (await this.get(job.id ?? options.id)) ?? this.snapshot(job, "waiting", false);
  }

  async get(id: string): Promise<JobSnapshot<P, R> | undefined> {
    // State first, then the hash: a job finishes (state and returnvalue) in one Lua script, so a
    // hash read after the state is at least as new. The other order reported a job that finished
    // between the two reads as "completed" without its result (the tasks-mrtr flake under load).
    const raw = await this.queue.getJobState(id);
    if (raw === "unknown") return undefined;
    const [job, cancelFlag] = await Promise.all([
      this.queue.getJob(id) as Promise<Job<JobData<P>, R> | undefined>,
      this.redis.exists(this.key("cancel", id)),
    ]);
    if (!job) return undefined;
    let state: JobState =
      raw === "completed"
        ? "completed"
        : raw === "failed"
          ? "failed"
          : raw === "active"
            ? "active"
            : "waiting";
    if (state === "failed" && job.failedReason?.startsWith(CANCELLED)) state = "cancelled";
    // A cancelled job that no worker has picked up yet is reported cancelled at once.
    if (state === "waiting" && cancelFlag === 1) state = "cancelled";
    return this.snapshot(job, state, cancelFlag === 1);
  }

  private snapshot(job: Job<JobData<P>, R>, state: JobState, _cancel: boolean): JobSnapshot<P, R> {
    const progress =
      typeof job.progress === "object" && job.progress !== null ? (job.progress as JsonRecord) : undefined;
    const at = typeof progress?.at === "number" ? progress.at : 0;
    return {
      id: job.id ?? "",
      name: job.name,
      state,
      payload: job.data.payload,
      progress,
      result: state === "completed" ? (job.returnvalue as R) : undefined,
      error: state === "failed" ? parseFailure(job.failedReason) : undefined,
      attemptsMade: job.attemptsMade,
      createdAt: job.timestamp,
      updatedAt: Math.max(job.timestamp, job.processedOn ?? 0, job.finishedOn ?? 0, at),
    };
  }

  async cancel(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    await this.redis.set(this.key("cancel", id), "1", "EX", this.resultTtlSeconds);
    this.emit({ type: "cancelled", jobId: id });
    return true;
  }

  async send(id: string, message: JsonRecord): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job) return false;
    const key = this.key("mail", id);
    await this.redis.multi().rpush(key, JSON.stringify(message)).expire(key, this.resultTtlSeconds).exec();
    return true;
  }

  async waitFor(
    id: string,
    until: (job: JobSnapshot<P, R>) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<JobSnapshot<P, R> | undefined> {
    // QueueEvents reads a stream from "now": wait until it listens, and back it up with a slow poll
    // for events that land between our first read and the subscription.
    await this.ensureEvents().waitUntilReady();
    return settleWhen(this, id, until, timeoutMs, signal, 500);
  }

  onEvent(listener: (event: QueueEvent) => void): () => void {
    this.ensureEvents();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private ensureEvents(): QueueEvents {
    if (this.events) return this.events;
    const events = new QueueEvents(this.name, { connection: this.connect(), prefix: this.prefix });
    events.on("error", () => {});
    for (const type of ["waiting", "active", "progress", "completed", "failed"] as const) {
      events.on(type, ({ jobId }: { jobId: string }) => this.emit({ type, jobId }));
    }
    this.events = events;
    return events;
  }

  private emit(event: QueueEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async metrics(): Promise<QueueMetrics> {
    const counts = await this.queue.getJobCounts(
      "waiting",
      "active",
      "completed",
      "failed",
      "delayed",
      "prioritized",
    );
    return {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      delayed: counts.delayed ?? 0,
    };
  }

  work(processor: JobProcessor<P, R>, options: WorkOptions = {}): JobWorker {
    const connection = this.connect();
    const running = new Set<Promise<unknown>>();
    const worker = new Worker<JobData<P>, R>(
      this.name,
      (job) => {
        const run = this.process(job, processor);
        running.add(run);
        void run.then(
          () => running.delete(run),
          () => running.delete(run),
        );
        return run;
      },
      {
        connection,
        prefix: this.prefix,
        concurrency: options.concurrency ?? 8,
        lockDuration: this.lockDurationMs,
        stalledInterval: Math.max(1_000, Math.floor(this.lockDurationMs / 2)),
        // Whether a stalled job may run again is decided per job in `process` (idempotent or not).
        maxStalledCount: 5,
      },
    );
    worker.on("error", () => {});
    const bounded = new BoundedWorker(worker, connection, running, this.closeGraceMs);
    this.workers.add(bounded);
    return {
      health: () => bounded.health(),
      close: async () => {
        this.workers.delete(bounded);
        await bounded.close();
      },
    };
  }

  private async process(job: Job<JobData<P>, R>, processor: JobProcessor<P, R>): Promise<R> {
    const id = job.id ?? "";
    if (job.stalledCounter > 0 && !job.data.retryOnWorkerLoss) {
      throw new UnrecoverableError(
        "ERR_WORKER_LOST: the worker running this job stopped mid-job; it was not retried because the tool is not idempotent",
      );
    }
    const controller = new AbortController();
    const cancelKey = this.key("cancel", id);
    const mailKey = this.key("mail", id);
    let mail: JsonRecord[] = [];
    let wake: (() => void) | undefined;
    const poll = setInterval(() => {
      void this.redis
        .multi()
        .exists(cancelKey)
        .lrange(mailKey, 0, -1)
        .del(mailKey)
        .exec()
        .then((replies) => {
          if (!replies) return;
          if (replies[0]?.[1] === 1) controller.abort(new QueueError("ERR_CANCELLED", "cancelled"));
          const items = (replies[1]?.[1] as string[] | undefined) ?? [];
          for (const item of items) mail.push(JSON.parse(item) as JsonRecord);
          if (controller.signal.aborted || mail.length > 0) wake?.();
        })
        .catch(() => {});
    }, this.pollMs);
    // A job abandoned by a forced close may never settle; its poll must not keep the process alive.
    poll.unref();
    const context: JobContext<P> = {
      id,
      name: job.name,
      payload: job.data.payload,
      attempt: job.attemptsStarted,
      signal: controller.signal,
      progress: (data) => job.updateProgress({ ...data, at: Date.now() }),
      receive: () =>
        new Promise((resolve) => {
          const drain = () => {
            wake = undefined;
            const taken = mail;
            mail = [];
            resolve(taken);
          };
          if (mail.length > 0 || controller.signal.aborted) drain();
          else wake = drain;
        }),
    };
    try {
      if ((await this.redis.exists(cancelKey)) === 1) throw new UnrecoverableError(`${CANCELLED}: cancelled`);
      const result = await processor(context);
      if (controller.signal.aborted) throw new UnrecoverableError(`${CANCELLED}: cancelled`);
      return result;
    } catch (cause) {
      if (controller.signal.aborted || cause instanceof UnrecoverableError) {
        if (cause instanceof UnrecoverableError) throw cause;
        throw new UnrecoverableError(`${CANCELLED}: cancelled`);
      }
      throw cause;
    } finally {
      clearInterval(poll);
      wake?.();
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.workers].map((w) => w.close()));
    this.workers.clear();
    await this.events?.close().catch(() => {});
    await this.queue.close().catch(() => {});
    for (const redis of this.connections) redis.disconnect();
  }
}

/**
 * A BullMQ worker whose close is bounded. `Worker.close()` waits for running jobs without limit and
 * memoizes itself, so a later `close(true)` cannot cut it short: instead pause (no new jobs), wait
 * up to the grace for the running ones, then close, forced if any is still running. A forced close
 * writes nothing for those jobs (BullMQ skips completing or failing them once its connection is
 * closing) and stops renewing their locks, which is what hands them to the stalled-job check.
 */
class BoundedWorker {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly connection: Redis,
    private readonly running: ReadonlySet<Promise<unknown>>,
    private readonly graceMs: number,
  ) {}

  health(): WorkerHealth {
    if (this.closing !== undefined) return { ready: false, reason: "worker closing" };
    if (!this.worker.isRunning()) return { ready: false, reason: "worker not running" };
    if (this.connection.status !== "ready")
      return { ready: false, reason: `redis ${this.connection.status}` };
    return { ready: true };
  }

  close(): Promise<void> {
    this.closing ??= this.drain();
    return this.closing;
  }

  private async drain(): Promise<void> {
    await this.worker.pause(true).catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.allSettled([...this.running]).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.graceMs);
      }),
    ]);
    clearTimeout(timer);
    await this.worker.close(!finished).catch(() => {});
  }
}
