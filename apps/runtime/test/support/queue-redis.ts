/**
 * @module The private redis-server the queue package's own tests use (free port, optional AOF,
 * restartable), shared here rather than copied: the runtime suites need exactly the same Redis.
 */
export { startRedis, type TestRedis } from "../../../../packages/queue/test/support/redis.js";
