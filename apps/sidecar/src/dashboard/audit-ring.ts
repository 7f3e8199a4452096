/**
 * @module The newest `AUDIT_RING` audit records in memory, as the page shows them: a fixed ring
 * of records whose views are built once, when first read, read newest first with optional filters.
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

/** The runtime that sent a record: its `src`, else a `node` the event names itself. */
export function nodeOf(record: WrittenRecord): string | undefined {
  if (record.src !== undefined) return record.src.node;
  const node = (record.event as { node?: unknown } | undefined)?.node;
  return typeof node === "string" ? node : undefined;
}

/** The page's view of a record: chain fields and anything unknown left out. */
function buildView(
  seq: number,
  writtenAt: number,
  type: string,
  node: string | undefined,
  record: object | undefined,
): AuditRecordView {
  const event = (record ?? {}) as Record<string, unknown>;
  const view: AuditRecordView = { seq, ts: writtenAt, type };
  if (node !== undefined) view.node = node;
  for (const field of VIEW_FIELDS) {
    const value = event[field];
    if (typeof value === "string") view[field] = value;
  }
  if (typeof event.durationMs === "number") view.durationMs = event.durationMs;
  return view;
}

/**
 * Records are kept as they were written (seq, time, type, node, the event itself) in parallel
 * arrays, and a record's view is built the first time a query reaches it: under load the page asks
 * for the newest 200 once a second while thousands are written, so building every view on write
 * was most of the dashboard's cost per record. Events are read-only by agreement, so a view built
 * late is the view built on write.
 */
export class AuditRing {
  private readonly seqs: number[];
  private readonly writtenAt: number[];
  private readonly types: string[];
  private readonly nodes: (string | undefined)[];
  private readonly events: (object | undefined)[];
  private readonly views: (AuditRecordView | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly size = AUDIT_RING) {
    this.seqs = new Array(size).fill(0);
    this.writtenAt = new Array(size).fill(0);
    this.types = new Array(size).fill("");
    this.nodes = new Array(size).fill(undefined);
    this.events = new Array(size).fill(undefined);
    this.views = new Array(size).fill(undefined);
  }

  get newestSeq(): number {
    return this.count === 0 ? 0 : (this.seqs[(this.next - 1 + this.size) % this.size] ?? 0);
  }

  push(view: AuditRecordView): void {
    this.put(view.seq, view.ts, view.type, view.node, undefined, view);
  }

  /** A written record; its view is built when a query first reaches it. */
  pushRecord(record: WrittenRecord, writtenAt: number, node: string | undefined): void {
    this.put(record.seq, writtenAt, record.type, node, record.event ?? {}, undefined);
  }

  /** Newest first. */
  query(filter: AuditFilter = {}): AuditRecordView[] {
    const limit = Math.min(filter.limit ?? this.size, this.size);
    const out: AuditRecordView[] = [];
    for (let k = 1; k <= this.count && out.length < limit; k++) {
      const index = (this.next - k + this.size) % this.size;
      const seq = this.seqs[index] ?? 0;
      if (filter.afterSeq !== undefined && seq <= filter.afterSeq) break;
      if (filter.upToSeq !== undefined && seq > filter.upToSeq) continue;
      const view = this.viewAt(index);
      if (filter.subject !== undefined && view.subject !== filter.subject) continue;
      if (filter.tool !== undefined && view.tool !== filter.tool) continue;
      if (filter.outcome !== undefined && view.outcome !== filter.outcome) continue;
      if (filter.type !== undefined && view.type !== filter.type) continue;
      out.push(view);
    }
    return out;
  }

  private put(
    seq: number,
    writtenAt: number,
    type: string,
    node: string | undefined,
    event: object | undefined,
    view: AuditRecordView | undefined,
  ): void {
    const index = this.next;
    this.seqs[index] = seq;
    this.writtenAt[index] = writtenAt;
    this.types[index] = type;
    this.nodes[index] = node;
    this.events[index] = event;
    this.views[index] = view;
    this.next = (index + 1) % this.size;
    if (this.count < this.size) this.count++;
  }

  private viewAt(index: number): AuditRecordView {
    let view = this.views[index];
    if (view === undefined) {
      view = buildView(
        this.seqs[index] ?? 0,
        this.writtenAt[index] ?? 0,
        this.types[index] ?? "",
        this.nodes[index],
        this.events[index],
      );
      this.views[index] = view;
      // The view holds what the page needs; the event can go.
      this.events[index] = undefined;
    }
    return view;
  }
}
