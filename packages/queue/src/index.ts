/**
 * @module Public entry of @mcp-runtime/queue: long and batched tool calls as jobs. The in-memory
 * backend is here; BullMQ and the Redis share store are at `@mcp-runtime/queue/redis`.
 */
export { type JobShareStore, MemoryJobShareStore } from "./job-shares.js";
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
  type WorkerHealth,
  type WorkOptions,
} from "./types.js";
