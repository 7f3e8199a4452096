/**
 * @module Turns queued events into chained, sealed lines and the file operations that write them:
 * assigns seq/ts/prev, inserts checkpoints (by count, on request, on rotation) and segment records,
 * and decides rotation by size and age. Pure bookkeeping, no I/O: the writer executes the ops in order.
 */
import { CHECKPOINT_TYPE, type CheckpointReason, SEGMENT_TYPE, signCheckpoint } from "./checkpoint.js";
import type { AuditEventInput } from "./event.js";
import { auditFileName } from "./files.js";
import type { SigningKey } from "./keys.js";
import { GENESIS_PREV, type SourceRef } from "./record.js";
import { RecordBuffer } from "./record-buffer.js";
import type { SourceTracker } from "./sources.js";

export type QueueItem =
  /** `members`: the event's JSON members without braces, `"type"` first (see `encodeEventMembers`) */
  | { kind: "event"; type: string; members: string; src: SourceRef | undefined; event: AuditEventInput }
  | { kind: "checkpoint"; reason: CheckpointReason };

/** `append` goes to the open file; `rotate` closes it and creates `name` holding `bytes`. */
export type WriteOp = { kind: "append"; bytes: Buffer } | { kind: "rotate"; name: string; bytes: Buffer };

/** A sealed record as forwarders (and the dashboard) need it, without re-parsing the line. */
export interface ForwardRecord {
  readonly line: string;
  type: string;
  ts: string;
  seq: number;
  /** the appended event (absent on checkpoint and segment records); read-only by agreement */
  event?: AuditEventInput;
  src?: SourceRef;
}

/** A record as the encoder hands it on: the line is decoded from the batch's bytes only when read. */
class EncodedRecord implements ForwardRecord {
  #line: string | undefined;
  event: AuditEventInput | undefined = undefined;
  src: SourceRef | undefined = undefined;

  constructor(
    private readonly bytes: Buffer,
    private readonly start: number,
    private readonly end: number,
    readonly type: string,
    readonly ts: string,
    readonly seq: number,
  ) {}

  get line(): string {
    this.#line ??= this.bytes.toString("utf8", this.start, this.end);
    return this.#line;
  }
}

export interface EncodedBatch {
  ops: WriteOp[];
  records: ForwardRecord[];
  events: number;
  checkpoints: number;
  bytes: number;
}

export interface EncoderLimits {
  checkpointEvery: number;
  maxBytes: number;
  maxAgeMs: number;
}

/** Where the chain continues from: the last record on disk and how many records after it are unsealed. */
export interface EncoderStart {
  seq: number;
  hash: string;
  unsealed: number;
}

export const FORMAT = "mcp-audit-v1";

export class ChainEncoder {
  #seq: number;
  #prev: string;
  #sinceCheckpoint: number;
  #fileBytes = 0;
  #firstEventAt: number | null = null;
  readonly #out = new RecordBuffer();
  #batch: EncodedBatch = emptyBatch();
  #ts = "";
  /** the last `src` seen and its members text: one batch's events share one SourceRef */
  #srcRef: SourceRef | undefined;
  #srcText = "";

  constructor(
    private readonly key: SigningKey,
    private readonly limits: EncoderLimits,
    /** batch seqs of the records encoded so far; snapshotted into each segment record */
    private readonly sources: SourceTracker,
    start: EncoderStart | null,
  ) {
    this.#seq = start?.seq ?? 0;
    this.#prev = start?.hash ?? GENESIS_PREV;
    this.#sinceCheckpoint = start?.unsealed ?? 0;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  /** Records written since the last checkpoint. */
  get unsealed(): number {
    return this.#sinceCheckpoint;
  }

  /** Start-up: seal what a crash left unsealed in the previous file (recovery), then open a new file. */
  start(now: Date): EncodedBatch {
    this.#begin(now, 0);
    this.#checkpoint("recovery");
    this.#openFile(now);
    return this.#end();
  }

  encode(items: readonly QueueItem[], now: Date): EncodedBatch {
    let expected = 0;
    for (const item of items) expected += item.kind === "event" ? item.members.length + 300 : 300;
    this.#begin(now, expected);
    const nowMs = now.getTime();
    for (const item of items) {
      if (item.kind === "checkpoint") {
        this.#checkpoint(item.reason);
        continue;
      }
      if (this.#firstEventAt !== null && nowMs - this.#firstEventAt >= this.limits.maxAgeMs)
        this.#rotate(now);
      const src = item.src === undefined ? "" : this.#srcMembers(item.src);
      const record = this.#emit(item.members, item.type, src);
      record.event = item.event;
      if (item.src !== undefined) record.src = item.src;
      this.#batch.events++;
      this.#firstEventAt ??= nowMs;
      if (item.src !== undefined) this.sources.note(item.src.node, item.src.seq);
      if (this.#sinceCheckpoint >= this.limits.checkpointEvery) this.#checkpoint("count");
      // Checked after the record, so a file passes maxBytes by at most one event and one checkpoint.
      if (this.#fileBytes >= this.limits.maxBytes) this.#rotate(now);
    }
    return this.#end();
  }

  #begin(now: Date, expectedBytes: number): void {
    this.#batch = emptyBatch();
    this.#ts = now.toISOString();
    this.#out.reset(expectedBytes);
  }

  #srcMembers(src: SourceRef): string {
    if (src !== this.#srcRef) {
      this.#srcRef = src;
      this.#srcText = `,"src":${JSON.stringify({ node: src.node, seq: src.seq })}`;
    }
    return this.#srcText;
  }

  #end(): EncodedBatch {
    this.#cut();
    return this.#batch;
  }

  #rotate(now: Date): void {
    this.#checkpoint("rotate");
    this.#openFile(now);
  }

  #openFile(now: Date): void {
    this.#cut();
    const name = auditFileName(this.#seq + 1, now);
    const sources = JSON.stringify(this.sources.snapshot());
    const keyId = JSON.stringify(this.key.keyId);
    this.#fileBytes = 0;
    this.#firstEventAt = null;
    this.#emit(`"type":"segment","format":"${FORMAT}","keyId":${keyId},"sources":${sources}`, SEGMENT_TYPE);
    this.#batch.ops.push({ kind: "rotate", name, bytes: this.#out.take() });
  }

  #checkpoint(reason: CheckpointReason): void {
    if (this.#sinceCheckpoint === 0) return;
    const adopted = reason === "recovery" ? `,"adopted":${this.#sinceCheckpoint}` : "";
    const sig = signCheckpoint(this.key, this.#seq + 1, this.#prev);
    const members = `"type":"checkpoint","reason":"${reason}"${adopted},"keyId":"${this.key.keyId}","sig":"${sig}"`;
    this.#emit(members, CHECKPOINT_TYPE);
    this.#sinceCheckpoint = 0;
    this.#batch.checkpoints++;
  }

  /**
   * `members` starts with the `"type"` member; `type` is its value, passed along to spare a parse;
   * `more` follows the members (an event's `src`).
   */
  #emit(members: string, type: string, more = ""): EncodedRecord {
    const seq = this.#seq + 1;
    const out = this.#out;
    this.#prev = out.seal(`{"seq":${seq},"ts":"${this.#ts}","prev":"${this.#prev}",`, members, more);
    this.#seq = seq;
    const bytes = out.lineEnd - out.lineStart + 1;
    this.#fileBytes += bytes;
    this.#batch.bytes += bytes;
    if (type !== CHECKPOINT_TYPE) this.#sinceCheckpoint++;
    const record = new EncodedRecord(out.bytes, out.lineStart, out.lineEnd, type, this.#ts, seq);
    this.#batch.records.push(record);
    return record;
  }

  #cut(): void {
    if (this.#out.pending) this.#batch.ops.push({ kind: "append", bytes: this.#out.take() });
  }
}

function emptyBatch(): EncodedBatch {
  return { ops: [], records: [], events: 0, checkpoints: 0, bytes: 0 };
}
