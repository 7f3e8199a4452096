/** @module The one `JobQueue` contract both backends (in-memory, BullMQ) implement, and its errors. */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonRecord = { [key: string]: unknown };

export type JobState = "waiting" | "active" | "completed" | "failed" | "cancelled";

export interface RetryPolicy {
  /** total runs allowed when the processor throws (1 = no retry) */
  attempts: number;
  /** delay before a retry */
  backoffMs: number;
  /**
   * Whether a job whose worker died mid-run (SIGKILL, crash, lost lock) may run again. Only safe
   * for idempotent work; otherwise the job fails with `ERR_WORKER_LOST`.
   */
  retryOnWorkerLoss: boolean;
}

export interface EnqueueOptions<P> {
  /** caller-chosen id; enqueueing an id that exists returns the existing job (idempotent submit) */
  id: string;
  name: string;
  payload: P;
  retry?: Partial<RetryPolicy>;
}

export interface JobFailure {
  code: string;
  message: string;
}

export interface JobSnapshot<P, R> {
  id: string;
  name: string;
  state: JobState;
  payload: P;
  /** last progress record the processor published */
  progress: JsonRecord | undefined;
  result: R | undefined;
  error: JobFailure | undefined;
  attemptsMade: number;
  createdAt: number;
  updatedAt: number;
}

export type QueueEventType = "waiting" | "active" | "progress" | "completed" | "failed" | "cancelled";

export interface QueueEvent {
  type: QueueEventType;
  jobId: string;
}

export interface QueueMetrics {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
}

/** What a processor sees of the job it runs. */
export interface JobContext<P> {
  readonly id: string;
  readonly name: string;
  readonly payload: P;
  /** 1 on the first run */
  readonly attempt: number;
  /** aborted when someone calls `cancel(id)` (or the worker shuts down) */
  readonly signal: AbortSignal;
  /** publishes progress any node can read with `get(id)` */
  progress(data: JsonRecord): Promise<void>;
  /** waits for messages sent with `send(id, ...)`; resolves with [] when the job is aborted */
  receive(): Promise<JsonRecord[]>;
}

export type JobProcessor<P, R> = (job: JobContext<P>) => Promise<R>;

/** Whether a worker is consuming jobs now, and if not why (for a readiness probe). */
export type WorkerHealth = { ready: true } | { ready: false; reason: string };

export interface JobWorker {
  /** running and connected to its backend */
  health(): WorkerHealth;
  /**
   * Stops taking jobs and waits for the running ones, up to the backend's close grace; what is
   * still running then is left to the backend's recovery (BullMQ: the stalled-job check).
   */
  close(): Promise<void>;
}

export interface WorkOptions {
  concurrency?: number;
}

export interface JobQueue<P, R> {
  readonly backend: "memory" | "bullmq";
  readonly name: string;
  /** resolves once the job is stored: a `get(id)` issued afterwards finds it */
  enqueue(options: EnqueueOptions<P>): Promise<JobSnapshot<P, R>>;
  get(id: string): Promise<JobSnapshot<P, R> | undefined>;
  /** cooperative: a waiting job never starts, a running one sees its signal abort */
  cancel(id: string): Promise<boolean>;
  /** delivers a message to the running job's `receive()` (e.g. input for an `input_required` task) */
  send(id: string, message: JsonRecord): Promise<boolean>;
  /** resolves with the first snapshot satisfying `until`, or the latest one after `timeoutMs` */
  waitFor(
    id: string,
    until: (job: JobSnapshot<P, R>) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<JobSnapshot<P, R> | undefined>;
  onEvent(listener: (event: QueueEvent) => void): () => void;
  metrics(): Promise<QueueMetrics>;
  work(processor: JobProcessor<P, R>, options?: WorkOptions): JobWorker;
  close(): Promise<void>;
}

export type QueueErrorCode =
  | "ERR_QUEUE_CLOSED"
  | "ERR_CANCELLED"
  | "ERR_WORKER_LOST"
  | "ERR_JOB_FAILED"
  | "ERR_REDIS_UNAVAILABLE";

export class QueueError extends Error {
  readonly code: QueueErrorCode;

  constructor(code: QueueErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "QueueError";
    this.code = code;
  }
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 1, backoffMs: 0, retryOnWorkerLoss: false };

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set(["completed", "failed", "cancelled"]);

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.has(state);
}

export function checkQueueName(name: string): void {
  if (typeof name !== "string" || !/^[A-Za-z0-9_.-]{1,100}$/.test(name))
    throw new TypeError('"name" option must be 1-100 characters of [A-Za-z0-9_.-]');
}
