/**
 * @module The newest `AUDIT_RING` audit records in memory, as the page shows them: a fixed ring
 * of views built once when the log wrote each record, read newest first with optional filters.
 */
import type { WrittenRecord } from "../audit/index.js";
import { AUDIT_RING, type AuditRecordView } from "./protocol.js";

export interface AuditFilter {
  subject?: string;
  tool?: string;
  outcome?: string;
  type?: string;
  /** stop after this many (default and maximum: the ring's size) */
  limit?: number;
  /** only records with a seq above it */
  afterSeq?: number;
  /** only records with a seq at or below it */
  upToSeq?: number;
}

const VIEW_FIELDS = [
  "subject",
  "tool",
  "outcome",
  "traceId",
  "status",
  "reason",
  "actor",
  "action",
  "eval",
] as const;

/** The page's view of a record: chain fields and anything unknown left out. */
export function toRecordView(record: WrittenRecord, writtenAt: number): AuditRecordView {
  const event = (record.event ?? {}) as unknown as Record<string, unknown>;
  const view: AuditRecordView = { seq: record.seq, ts: writtenAt, type: record.type };
  if (record.src !== undefined) view.node = record.src.node;
  else if (typeof event.node === "string") view.node = event.node;
  for (const field of VIEW_FIELDS) {
    const value = event[field];
    if (typeof value === "string") view[field] = value;
  }
  if (typeof event.durationMs === "number") view.durationMs = event.durationMs;
  return view;
}

export class AuditRing {
  private readonly views: (AuditRecordView | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly size = AUDIT_RING) {
    this.views = new Array(size);
  }

  get newestSeq(): number {
    return this.views[(this.next - 1 + this.size) % this.size]?.seq ?? 0;
  }

  push(view: AuditRecordView): void {
    this.views[this.next] = view;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
  }

  /** Newest first. */
  query(filter: AuditFilter = {}): AuditRecordView[] {
    const limit = Math.min(filter.limit ?? this.size, this.size);
    const out: AuditRecordView[] = [];
    for (let k = 1; k <= this.count && out.length < limit; k++) {
      const view = this.views[(this.next - k + this.size) % this.size];
      if (view === undefined) break;
      if (filter.afterSeq !== undefined && view.seq <= filter.afterSeq) break;
      if (filter.upToSeq !== undefined && view.seq > filter.upToSeq) continue;
      if (filter.subject !== undefined && view.subject !== filter.subject) continue;
      if (filter.tool !== undefined && view.tool !== filter.tool) continue;
      if (filter.outcome !== undefined && view.outcome !== filter.outcome) continue;
      if (filter.type !== undefined && view.type !== filter.type) continue;
      out.push(view);
    }
    return out;
  }
}
