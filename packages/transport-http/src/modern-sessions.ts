/**
 * @module The protocol sessions that serve 2026-07-28 requests. Modern requests carry all their
 * state, so one long-lived session serves every client (per authenticated subject, since the
 * subject is part of a session). The core keys in-flight requests by JSON-RPC id, and two clients
 * may use the same id at once: such a request gets a throwaway session of its own.
 */
import type { JsonRpcId, McpServer, RequestChannel, ServerSession } from "@mcp-runtime/protocol";
import { sessionOptions } from "./tool-grant.js";
import type { ToolGrant } from "./transport-types.js";

/** Modern sessions never send out-of-band: everything goes on a request's own channel. */
const NO_PEER: RequestChannel = { send() {} };

/** Subjects with a session of their own; beyond this the least recently used idle one is closed. */
const MAX_SUBJECT_SESSIONS = 1024;

export interface ModernLease {
  readonly session: ServerSession;
  /** true for a one-request session that must be closed after the request */
  readonly throwaway: boolean;
}

interface Pooled {
  readonly session: ServerSession;
  readonly ids: Set<JsonRpcId>;
  /** leases of the reusable session handed out for this pool entry */
  readonly lease: ModernLease;
}

export class ModernSessions {
  private readonly server: McpServer;
  private readonly anonymous: Pooled;
  private readonly bySubject = new Map<string, Pooled>();

  constructor(server: McpServer) {
    this.server = server;
    this.anonymous = this.pooled(undefined);
  }

  /** A session for one request with this id; release it with `release` when the request ends. */
  acquire(subject: string | undefined, id: JsonRpcId, grant?: ToolGrant): ModernLease {
    const pool = subject === undefined ? this.anonymous : this.forSubject(subject, grant);
    if (pool.ids.has(id)) {
      const session = this.server.createSession(NO_PEER, sessionOptions(subject, grant));
      return { session, throwaway: true };
    }
    pool.ids.add(id);
    return pool.lease;
  }

  /** The reusable session of a subject (for notifications, which hold nothing in flight). */
  sessionFor(subject: string | undefined, grant?: ToolGrant): ServerSession {
    return (subject === undefined ? this.anonymous : this.forSubject(subject, grant)).session;
  }

  release(lease: ModernLease, subject: string | undefined, id: JsonRpcId, grant?: ToolGrant): void {
    if (lease.throwaway) {
      lease.session.close("request finished");
      return;
    }
    const pool = subject === undefined ? this.anonymous : this.bySubject.get(poolKey(subject, grant));
    pool?.ids.delete(id);
  }

  /** Closes every session (shutdown): what is still in flight is cancelled. */
  close(reason: string): void {
    this.anonymous.session.close(reason);
    for (const pool of this.bySubject.values()) pool.session.close(reason);
    this.bySubject.clear();
  }

  private forSubject(subject: string, grant: ToolGrant | undefined): Pooled {
    const key = poolKey(subject, grant);
    let pool = this.bySubject.get(key);
    if (pool) {
      this.bySubject.delete(key);
      this.bySubject.set(key, pool);
      return pool;
    }
    if (this.bySubject.size >= MAX_SUBJECT_SESSIONS) {
      for (const [key, candidate] of this.bySubject) {
        if (candidate.ids.size > 0) continue;
        candidate.session.close("idle");
        this.bySubject.delete(key);
        break;
      }
    }
    pool = this.pooled(subject, grant);
    this.bySubject.set(key, pool);
    return pool;
  }

  private pooled(subject: string | undefined, grant?: ToolGrant): Pooled {
    const session = this.server.createSession(NO_PEER, sessionOptions(subject, grant));
    return { session, ids: new Set(), lease: { session, throwaway: false } };
  }
}

/** One pool per subject and grant: a token with other scopes sees other tools, so it gets its own session. */
function poolKey(subject: string, grant: ToolGrant | undefined): string {
  return grant === undefined ? subject : `${subject}\u0000${grant.key}`;
}
