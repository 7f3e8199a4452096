/**
 * @module Which tasks each caller created through this node, for the 2025-11-25 `tasks/list`. The
 * job queue cannot list jobs by owner, so the index lives here: a node lists the tasks created
 * through it (tasks/get still finds every task on any node sharing the queue). Bounded per owner.
 */

/** most recent tasks kept per owner; older ones drop out of tasks/list (tasks/get still finds them) */
const MAX_PER_OWNER = 10_000;

function encodeCursor(offset: number): string {
  return Buffer.from(`tasks:${offset}`).toString("base64url");
}

function decodeCursor(cursor: string): number | undefined {
  const match = /^tasks:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString());
  return match ? Number(match[1]) : undefined;
}

export class OwnerTaskIndex {
  private readonly byOwner = new Map<string, string[]>();

  constructor(private readonly pageSize = 50) {}

  add(owner: string, taskId: string): void {
    const ids = this.byOwner.get(owner) ?? [];
    ids.push(taskId);
    if (ids.length > MAX_PER_OWNER) ids.splice(0, ids.length - MAX_PER_OWNER);
    this.byOwner.set(owner, ids);
  }

  /** One page of the owner's task ids, oldest first; undefined for a cursor this index did not issue. */
  page(owner: string, cursor: string | undefined): { ids: string[]; nextCursor?: string } | undefined {
    const offset = cursor === undefined ? 0 : decodeCursor(cursor);
    if (offset === undefined) return undefined;
    const ids = this.byOwner.get(owner) ?? [];
    const end = offset + this.pageSize;
    const slice = ids.slice(offset, end);
    return end < ids.length ? { ids: slice, nextCursor: encodeCursor(end) } : { ids: slice };
  }

  /** Drops ids whose task is gone (past its TTL); only between listings, so cursors stay valid. */
  forget(owner: string, gone: ReadonlySet<string>): void {
    const ids = this.byOwner.get(owner);
    if (!ids || gone.size === 0) return;
    const kept = ids.filter((id) => !gone.has(id));
    if (kept.length === 0) this.byOwner.delete(owner);
    else this.byOwner.set(owner, kept);
  }
}
