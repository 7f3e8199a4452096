/**
 * @module The Redis JobShareStore: `SET NX PX` claims so every node agrees on who serves a shared
 * job. Behind the `@mcp-runtime/queue/redis` entry so the in-memory default never loads ioredis.
 */
import { Redis } from "ioredis";
import type { JobShareStore } from "./job-shares.js";

const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return ARGV[1] end
return redis.call('GET', KEYS[1])`;

/** Compare-and-set: a held claim moves only from the job the caller saw finished. */
const REPLACE = `
local held = redis.call('GET', KEYS[1])
if held == false or held == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

export interface RedisJobShareOptions {
  url: string;
  /** key prefix (default "mcpq") */
  prefix?: string;
}

export class RedisJobShareStore implements JobShareStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: RedisJobShareOptions) {
    this.prefix = `${options.prefix ?? "mcpq"}:share`;
    this.redis = new Redis(options.url, { maxRetriesPerRequest: null, enableReadyCheck: true });
    this.redis.on("error", () => {});
  }

  async claim(key: string, jobId: string, ttlMs: number): Promise<string> {
    const held = await this.redis.eval(CLAIM, 1, `${this.prefix}:key:${key}`, jobId, Math.ceil(ttlMs));
    // A claim that expired between SET and GET leaves nil: the caller then serves it itself.
    return typeof held === "string" ? held : jobId;
  }

  async replace(key: string, expected: string, jobId: string, ttlMs: number): Promise<boolean> {
    const done = await this.redis.eval(
      REPLACE,
      1,
      `${this.prefix}:key:${key}`,
      expected,
      jobId,
      Math.ceil(ttlMs),
    );
    return done === 1;
  }

  async release(key: string, jobId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, `${this.prefix}:key:${key}`, jobId);
  }

  async join(jobId: string, members: readonly string[], ttlMs: number): Promise<void> {
    if (members.length === 0) return;
    const set = `${this.prefix}:members:${jobId}`;
    await this.redis
      .multi()
      .sadd(set, ...members)
      .pexpire(set, Math.ceil(ttlMs))
      .exec();
  }

  async leave(jobId: string, member: string, ttlMs: number): Promise<number> {
    const set = `${this.prefix}:members:${jobId}`;
    const replies = await this.redis
      .multi()
      .set(`${this.prefix}:detached:${member}`, "1", "PX", Math.ceil(ttlMs))
      .srem(set, member)
      .scard(set)
      .exec();
    const remaining = replies?.[2]?.[1];
    return typeof remaining === "number" ? remaining : 0;
  }

  async isDetached(member: string): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}:detached:${member}`)) === 1;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
