/**
 * @module The highest batch seq seen per runtime node, so a batch resent after a lost ack can be
 * dropped. Bounded: node ids live as long as one runtime process, so old ones pile up across restarts.
 */

// Each segment record carries a snapshot; a thousand recent nodes covers any realistic fleet.
const MAX_TRACKED_NODES = 1024;

export class SourceTracker {
  // Map order is recency order: a node is moved to the end whenever it advances.
  readonly #seqs = new Map<string, number>();

  get(node: string): number {
    return this.#seqs.get(node) ?? 0;
  }

  note(node: string, seq: number): void {
    const known = this.#seqs.get(node);
    if (known !== undefined && known >= seq) return;
    this.#seqs.delete(node);
    this.#seqs.set(node, seq);
    if (this.#seqs.size > MAX_TRACKED_NODES) {
      const oldest = this.#seqs.keys().next();
      if (oldest.done !== true) this.#seqs.delete(oldest.value);
    }
  }

  /** Loads a snapshot written by `snapshot` (a segment record's `sources`); ignores malformed entries. */
  load(snapshot: unknown): void {
    if (typeof snapshot !== "object" || snapshot === null) return;
    for (const [node, seq] of Object.entries(snapshot)) {
      if (typeof seq === "number") this.note(node, seq);
    }
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#seqs);
  }
}
