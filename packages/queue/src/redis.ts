/**
 * @module Subpath entry `@mcp-runtime/queue/redis`: the Redis-backed parts (BullMQ queue, shared
 * job claims). Separate from the main entry because importing bullmq and ioredis costs about
 * 0.4 s of start-up, which the embedded in-memory default should not pay.
 */
export { BullMqJobQueue, type BullMqQueueOptions } from "./bullmq-queue.js";
export { type RedisJobShareOptions, RedisJobShareStore } from "./redis-job-shares.js";
