/**
 * @module Who shares a job: a short-lived claim mapping a coalescing key to the job that serves it
 * (a Map in memory here; `SET NX PX` on Redis in redis-job-shares.ts, so every node agrees), and the set of tasks attached to
 * a shared job, so that one caller cancelling detaches only itself and the job stops with the last.
 */

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
