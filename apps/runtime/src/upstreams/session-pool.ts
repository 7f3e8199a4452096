/**
 * @module perSession upstream sessions, one per downstream key, created on demand. Bounded: at
 * `maxSessions` the least recently used idle session (no call in flight) is closed to make room,
 * and when every session is busy the new key is refused with an error that names the cap. Sessions
 * idle longer than `idleTimeoutMs` are closed by a sweep.
 */
import type { Logger } from "../logger.js";
import { UpstreamError } from "./errors.js";

export interface PooledSession {
  readonly busy: boolean;
  readonly lastUsed: number;
  close(): Promise<void>;
}

export interface SessionPoolOptions<S extends PooledSession> {
  upstream: string;
  maxSessions: number;
  idleTimeoutMs: number;
  logger: Logger;
  create(key: string): Promise<S>;
  /** the number of sessions changed */
  onChange?(size: number): void;
}

interface Entry<S> {
  session: S | undefined;
  pending: Promise<S> | undefined;
}

export class SessionPool<S extends PooledSession> {
  private readonly options: SessionPoolOptions<S>;
  private readonly entries = new Map<string, Entry<S>>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(options: SessionPoolOptions<S>) {
    this.options = options;
    const every = Math.max(250, Math.min(options.idleTimeoutMs / 2, 30_000));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  get size(): number {
    return this.entries.size;
  }

  /** The key's session, created (and room made for it) when it has none. */
  acquire(key: string): Promise<S> {
    const { upstream } = this.options;
    if (this.closed)
      return Promise.reject(
        new UpstreamError("UPSTREAM_UNAVAILABLE", upstream, `upstream "${upstream}" is stopped`),
      );
    const existing = this.entries.get(key);
    if (existing?.session) return Promise.resolve(existing.session);
    if (existing?.pending) return existing.pending;
    if (this.entries.size >= this.options.maxSessions && !this.evictOne()) {
      const { maxSessions } = this.options;
      return Promise.reject(
        new UpstreamError(
          "UPSTREAM_SESSION_LIMIT",
          upstream,
          `upstream "${upstream}" has reached maxSessions (${maxSessions}) and every session is busy; try again later`,
        ),
      );
    }
    const entry: Entry<S> = { session: undefined, pending: undefined };
    entry.pending = this.options.create(key).then(
      (session) => {
        entry.pending = undefined;
        if (this.entries.get(key) !== entry) {
          // Released (or the pool closed) while it was being created.
          void session.close();
          throw new UpstreamError(
            "UPSTREAM_UNAVAILABLE",
            upstream,
            `upstream "${upstream}" session was released`,
          );
        }
        entry.session = session;
        return session;
      },
      (error: unknown) => {
        if (this.entries.get(key) === entry) this.remove(key);
        throw error;
      },
    );
    this.entries.set(key, entry);
    this.options.onChange?.(this.entries.size);
    return entry.pending;
  }

  /** The sessions open now. */
  sessions(): S[] {
    return [...this.entries.values()].flatMap((entry) => (entry.session ? [entry.session] : []));
  }

  /** Forgets `session` if it is still the key's (it died); does not close it. */
  drop(key: string, session: S): void {
    if (this.entries.get(key)?.session === session) this.remove(key);
  }

  /** Closes the key's session, if any. */
  release(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.remove(key);
    void entry.session?.close();
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    const sessions = this.sessions();
    this.entries.clear();
    this.options.onChange?.(0);
    await Promise.allSettled(sessions.map((session) => session.close()));
  }

  private evictOne(): boolean {
    let victim: [string, S] | undefined;
    for (const [key, entry] of this.entries) {
      const session = entry.session;
      if (!session || session.busy) continue;
      if (!victim || session.lastUsed < victim[1].lastUsed) victim = [key, session];
    }
    if (!victim) return false;
    this.options.logger.info({
      msg: "upstream session evicted (least recently used)",
      upstream: this.options.upstream,
    });
    this.release(victim[0]);
    return true;
  }

  private sweep(): void {
    const cutoff = Date.now() - this.options.idleTimeoutMs;
    for (const [key, entry] of this.entries) {
      const session = entry.session;
      if (session && !session.busy && session.lastUsed < cutoff) {
        this.options.logger.debug({ msg: "upstream session idle, closed", upstream: this.options.upstream });
        this.release(key);
      }
    }
  }

  private remove(key: string): void {
    this.entries.delete(key);
    this.options.onChange?.(this.entries.size);
  }
}
