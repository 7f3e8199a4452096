/** @module The queue package's private redis-server for tests, shared rather than copied. */
export { startRedis, type TestRedis } from "../../../queue/test/support/redis.js";
