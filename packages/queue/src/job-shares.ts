/**
 * @module Who shares a job: a short-lived claim mapping a coalescing key to the job that serves it
 * (`SET NX PX` on Redis, so every node agrees; a Map in memory), and the set of tasks attached to
 * a shared job, so that one caller cancelling detaches only itself and the job stops with the last.
 */
import { Redis } from "ioredis";

export interface JobShareStore {
  /** Claims `key` for `jobId` for `ttlMs` unless it is held; resolves with the holder's job id. */
  claim(key: string, jobId: string, ttlMs: number): Promise<string>;
  /** Moves `key` from `expected` (a job found finished) to `jobId`; false when another caller won. */
  replace(key: string, expected: string, jobId: string, ttlMs: number): Promise<boolean>;
  /** Drops `key` if `jobId` still holds it (the job was cancelled: new callers must not attach). */
  release(key: string, jobId: string): Promise<void>;
  /** Attaches tasks (members) to a job. */
  join(jobId: string, members: readonly string[], ttlMs: number): Promise<void>;
  /** Detaches a member, which reads as cancelled from now on; resolves with how many remain. */
  leave(jobId: string, member: string, ttlMs: number): Promise<number>;
  isDetached(member: string): Promise<boolean>;
  close(): Promise<void>;
}

export class MemoryJobShareStore implements JobShareStore {
  private readonly claims = new Map<string, { jobId: string; until: number }>();
  private readonly members = new Map<string, { ids: Set<string>; until: number }>();
  private readonly detached = new Map<string, number>();
  private readonly purge = setInterval(() => this.expire(), 30_000).unref();

  async claim(key: string, jobId: string, ttlMs: number): Promise<string> {
    const held = this.claims.get(key);
    if (held && held.until > Date.now()) return held.jobId;
    this.claims.set(key, { jobId, until: Date.now() + ttlMs });
    return jobId;
  }

  async replace(key: string, expected: string, jobId: string, ttlMs: number): Promise<boolean> {
    const held = this.claims.get(key);
    if (held && held.until > Date.now() && held.jobId !== expected) return false;
    this.claims.set(key, { jobId, until: Date.now() + ttlMs });
    return true;
  }

  async release(key: string, jobId: string): Promise<void> {
    if (this.claims.get(key)?.jobId === jobId) this.claims.delete(key);
  }

  async join(jobId: string, members: readonly string[], ttlMs: number): Promise<void> {
    const entry = this.members.get(jobId) ?? { ids: new Set<string>(), until: 0 };
    for (const member of members) entry.ids.add(member);
    entry.until = Date.now() + ttlMs;
    this.members.set(jobId, entry);
  }

  async leave(jobId: string, member: string, ttlMs: number): Promise<number> {
    this.detached.set(member, Date.now() + ttlMs);
    const entry = this.members.get(jobId);
    entry?.ids.delete(member);
    return entry?.ids.size ?? 0;
  }

  async isDetached(member: string): Promise<boolean> {
    return (this.detached.get(member) ?? 0) > Date.now();
  }

  async close(): Promise<void> {
    clearInterval(this.purge);
  }

  private expire(): void {
    const now = Date.now();
    for (const [key, held] of this.claims) if (held.until <= now) this.claims.delete(key);
    for (const [id, entry] of this.members) if (entry.until <= now) this.members.delete(id);
    for (const [id, until] of this.detached) if (until <= now) this.detached.delete(id);
  }
}

/** SET NX PX that answers with the holder in the same round trip (Redis 6.2 has no NX with GET). */
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
