/** @module Public entry of @mcp-runtime/queue: long and batched tool calls as jobs, in memory or on BullMQ. */
export { BullMqJobQueue, type BullMqQueueOptions } from "./bullmq-queue.js";
export {
  type JobShareStore,
  MemoryJobShareStore,
  type RedisJobShareOptions,
  RedisJobShareStore,
} from "./job-shares.js";
export { MemoryJobQueue, type MemoryQueueOptions } from "./memory-queue.js";
export {
  DEFAULT_RETRY,
  type EnqueueOptions,
  isTerminal,
  type JobContext,
  type JobFailure,
  type JobProcessor,
  type JobQueue,
  type JobSnapshot,
  type JobState,
  type JobWorker,
  type JsonRecord,
  QueueError,
  type QueueErrorCode,
  type QueueEvent,
  type QueueEventType,
  type QueueMetrics,
  type RetryPolicy,
  type WorkOptions,
} from "./types.js";
