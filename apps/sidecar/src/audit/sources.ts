/**
 * @module The newest batch seq seen per runtime node, and how many of that batch's events the log
 * holds, so that a batch resent after a lost ack is not written twice and a batch cut short by a
 * failed write (a full disk) is completed on its resend rather than taken as written. Bounded: node
 * ids live as long as one runtime process, so old ones pile up across restarts.
 */

// Each segment record carries a snapshot; a thousand recent nodes covers any realistic fleet.
const MAX_TRACKED_NODES = 1024;

interface NodeProgress {
  seq: number;
  /** events of batch `seq` in the log; Infinity when only an older snapshot's bare seq is known */
  count: number;
}

export class SourceTracker {
  // Map order is recency order: a node is moved to the end whenever it advances.
  readonly #nodes = new Map<string, NodeProgress>();

  /** Newest batch seq of `node` (0 if none). */
  get(node: string): number {
    return this.#nodes.get(node)?.seq ?? 0;
  }

  /** Events of `node`'s newest batch in the log (a resend skips that many accepted events). */
  countOf(node: string): number {
    return this.#nodes.get(node)?.count ?? 0;
  }

  /** One event of batch `seq` of `node` is in the log. */
  note(node: string, seq: number, count = 1): void {
    const known = this.#nodes.get(node);
    if (known !== undefined && known.seq > seq) return;
    if (known !== undefined && known.seq === seq) {
      known.count += count;
      return;
    }
    this.#nodes.delete(node);
    this.#nodes.set(node, { seq, count });
    if (this.#nodes.size > MAX_TRACKED_NODES) {
      const oldest = this.#nodes.keys().next();
      if (oldest.done !== true) this.#nodes.delete(oldest.value);
    }
  }

  /**
   * Loads a snapshot written by `snapshot` (a segment record's `sources`): `node: [seq, count]`,
   * or `node: seq` from logs written before counts were kept (taken as complete). Malformed entries
   * are ignored.
   */
  load(snapshot: unknown): void {
    if (typeof snapshot !== "object" || snapshot === null) return;
    for (const [node, value] of Object.entries(snapshot)) {
      if (typeof value === "number") this.note(node, value, Number.POSITIVE_INFINITY);
      else if (
        Array.isArray(value) &&
        typeof value[0] === "number" &&
        typeof value[1] === "number" &&
        value[1] >= 0
      )
        this.note(node, value[0], value[1]);
    }
  }

  snapshot(): Record<string, [number, number] | number> {
    const out: Record<string, [number, number] | number> = {};
    for (const [node, { seq, count }] of this.#nodes) out[node] = Number.isFinite(count) ? [seq, count] : seq;
    return out;
  }
}
