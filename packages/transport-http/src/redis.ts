/**
 * @module Subpath entry `@mcp-runtime/transport-http/redis`: the Redis SessionCluster that lets
 * several nodes serve the same 2025-era sessions. Separate from the main entry so that a
 * single-node runtime never loads ioredis.
 */

export type { BusMessage, ClusterEvent, SessionCluster, SessionState } from "./cluster.js";
export type { RedisSessionClusterOptions } from "./redis/options.js";
export { RedisSessionCluster } from "./redis/redis-session-cluster.js";
