/**
 * @module Where legacy (2025-era) sessions live between requests, and the policy that keeps them
 * bounded: idle sessions are evicted after a timeout, and at the cap the least recently used idle
 * session makes room, so clients that vanish without DELETE cannot grow memory without bound.
 */

/** What a store needs to know of a session; the transport's sessions implement it. */
export interface SessionRecord {
  readonly id: string;
  /** authenticated subject the session is bound to (requests from another subject are refused) */
  readonly subject: string | undefined;
  /** ms since epoch of the last request or stream activity */
  lastActiveAt: number;
  /** requests in flight plus open streams: a busy session is never evicted */
  busy: number;
  /** releases everything the session holds (called once, on eviction or deletion by the transport) */
  close(reason: string): void;
}

/**
 * Live sessions of this node. Synchronous on purpose: the lookup is on every legacy request. A
 * shared backend (Redis) would keep the serialisable part of a session (id, subject, negotiated
 * version, capabilities) and rebuild the live object on a miss; see the README.
 */
export interface SessionStore<T extends SessionRecord = SessionRecord> {
  readonly size: number;
  /** Adds a session; false when the store is full and nothing idle can be evicted. */
  add(record: T): boolean;
  /** Finds a session and marks it active. */
  get(id: string): T | undefined;
  /** Marks a session active (after a request or stream ends), so idleness counts from now. */
  touch(record: T): void;
  /** Removes a session without closing it; returns it when it was present. */
  delete(id: string): T | undefined;
  values(): IterableIterator<T>;
  /** Stops background work (timers); sessions still present are left to the caller. */
  dispose(): void;
}

export interface MemorySessionStoreOptions {
  /** Idle time after which a session is evicted. Default 30 min. */
  idleTimeoutMs?: number;
  /** Most sessions held at once. Default 10,000. */
  maxSessions?: number;
  /** Told about every eviction (for logs and metrics). */
  onEvict?(record: SessionRecord, reason: "idle" | "capacity"): void;
}

/** In-process store. The map is kept in least-recently-active order, so sweeps stop early. */
export class MemorySessionStore<T extends SessionRecord = SessionRecord> implements SessionStore<T> {
  private readonly map = new Map<string, T>();
  private readonly idleTimeoutMs: number;
  private readonly maxSessions: number;
  private readonly onEvict: (record: SessionRecord, reason: "idle" | "capacity") => void;
  private readonly timer: NodeJS.Timeout;

  constructor(options: MemorySessionStoreOptions = {}) {
    const { idleTimeoutMs = 30 * 60_000, maxSessions = 10_000 } = options;
    if (!Number.isInteger(idleTimeoutMs) || idleTimeoutMs < 1) {
      throw new TypeError('"idleTimeoutMs" option must be a positive integer');
    }
    if (!Number.isInteger(maxSessions) || maxSessions < 1) {
      throw new TypeError('"maxSessions" option must be a positive integer');
    }
    this.idleTimeoutMs = idleTimeoutMs;
    this.maxSessions = maxSessions;
    this.onEvict = options.onEvict ?? (() => {});
    // A quarter of the timeout bounds how long past its deadline a session can linger.
    const period = Math.min(Math.max(Math.floor(idleTimeoutMs / 4), 10), 60_000);
    this.timer = setInterval(() => this.sweep(Date.now()), period);
    this.timer.unref();
  }

  get size(): number {
    return this.map.size;
  }

  add(record: T): boolean {
    if (this.map.size >= this.maxSessions && !this.evictOldestIdle()) return false;
    record.lastActiveAt = Date.now();
    this.map.set(record.id, record);
    return true;
  }

  get(id: string): T | undefined {
    const record = this.map.get(id);
    if (record) this.touch(record);
    return record;
  }

  touch(record: T): void {
    record.lastActiveAt = Date.now();
    // Re-inserting moves the entry to the end: the map stays ordered by last activity.
    if (this.map.delete(record.id)) this.map.set(record.id, record);
  }

  delete(id: string): T | undefined {
    const record = this.map.get(id);
    if (record) this.map.delete(id);
    return record;
  }

  values(): IterableIterator<T> {
    return this.map.values();
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  /** Evicts every session idle for longer than the timeout. Exposed for tests and manual sweeps. */
  sweep(now: number): number {
    const deadline = now - this.idleTimeoutMs;
    let evicted = 0;
    for (const record of this.map.values()) {
      if (record.lastActiveAt > deadline) break;
      if (record.busy > 0) continue;
      this.map.delete(record.id);
      evicted++;
      this.onEvict(record, "idle");
      record.close("session expired");
    }
    return evicted;
  }

  private evictOldestIdle(): boolean {
    for (const record of this.map.values()) {
      if (record.busy > 0) continue;
      this.map.delete(record.id);
      this.onEvict(record, "capacity");
      record.close("session evicted: too many sessions");
      return true;
    }
    return false;
  }
}
