/**
 * @module Options of the Redis session cluster, checked once in the constructor: a caller's
 * mistake is a TypeError naming the option.
 */
import { randomInt } from "node:crypto";

export interface RedisSessionClusterOptions {
  /** redis:// or rediss:// URL (credentials allowed; they never appear in errors) */
  url: string;
  /** prefix of every key and channel; default "mcp:" */
  prefix?: string;
  /** events kept per stream (trimmed approximately, see the README); default 1000 */
  maxEventsPerStream?: number;
  /** how often this node renews its liveness; it counts as dead 3 × this after the last renewal. Default 2000 */
  heartbeatMs?: number;
  /** this node's id: lowercase base36; default 10 random characters */
  nodeId?: string;
  /** receives the errors of fire-and-forget calls, the heartbeat and the bus (default: ignored) */
  onError?: (error: Error, operation: string) => void;
}

export interface ResolvedOptions {
  readonly url: string;
  readonly prefix: string;
  readonly maxEventsPerStream: number;
  readonly heartbeatMs: number;
  readonly nodeId: string;
  readonly onError: (error: Error, operation: string) => void;
}

const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

function randomNodeId(): string {
  let id = "";
  for (let i = 0; i < 10; i++) id += BASE36[randomInt(36)];
  return id;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new TypeError(`"${name}" option must be a positive integer`);
  return value;
}

export function resolveOptions(options: RedisSessionClusterOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null)
    throw new TypeError("RedisSessionCluster options must be an object");
  const { url, prefix = "mcp:", nodeId = randomNodeId(), onError = () => {} } = options;
  if (typeof url !== "string" || !/^rediss?:\/\/./.test(url))
    throw new TypeError('"url" option must be a redis:// or rediss:// URL');
  if (typeof prefix !== "string" || prefix.length === 0)
    throw new TypeError('"prefix" option must be a non-empty string');
  // Stream and event ids embed the node id after "_", so it must stay within [0-9a-z].
  if (typeof nodeId !== "string" || !/^[0-9a-z]+$/.test(nodeId))
    throw new TypeError('"nodeId" option must be a non-empty lowercase base36 string');
  if (typeof onError !== "function") throw new TypeError('"onError" option must be a function');
  return {
    url,
    prefix,
    nodeId,
    onError,
    maxEventsPerStream: positiveInteger("maxEventsPerStream", options.maxEventsPerStream, 1000),
    heartbeatMs: positiveInteger("heartbeatMs", options.heartbeatMs, 2000),
  };
}
