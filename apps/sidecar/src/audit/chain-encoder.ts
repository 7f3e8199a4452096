/**
 * @module Turns queued events into chained, sealed lines and the file operations that write them:
 * assigns seq/ts/prev, inserts checkpoints (by count, on request, on rotation) and segment records,
 * and decides rotation by size and age. Pure bookkeeping, no I/O: the writer executes the ops in order.
 */
import { CHECKPOINT_TYPE, type CheckpointReason, SEGMENT_TYPE, signCheckpoint } from "./checkpoint.js";
import type { AuditEventInput } from "./event.js";
import { auditFileName } from "./files.js";
import type { SigningKey } from "./keys.js";
import { GENESIS_PREV, type SourceRef, sealRecord } from "./record.js";
import type { SourceTracker } from "./sources.js";

export type QueueItem =
  /** `members`: the event's JSON members without braces, `"type"` first (see `encodeEventMembers`) */
  | { kind: "event"; type: string; members: string; src: SourceRef | undefined; event: AuditEventInput }
  | { kind: "checkpoint"; reason: CheckpointReason };

/** `append` goes to the open file; `rotate` closes it and creates `name` holding `text`. */
export type WriteOp = { kind: "append"; text: string } | { kind: "rotate"; name: string; text: string };

/** A sealed record as forwarders (and the dashboard) need it, without re-parsing the line. */
export interface ForwardRecord {
  line: string;
  type: string;
  ts: string;
  seq: number;
  /** the appended event (absent on checkpoint and segment records); read-only by agreement */
  event?: AuditEventInput;
  src?: SourceRef;
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
  #pending: string[] = [];
  #batch: EncodedBatch = emptyBatch();
  #ts = "";

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
    this.#begin(now);
    this.#checkpoint("recovery");
    this.#openFile(now);
    return this.#end();
  }

  encode(items: readonly QueueItem[], now: Date): EncodedBatch {
    this.#begin(now);
    const nowMs = now.getTime();
    for (const item of items) {
      if (item.kind === "checkpoint") {
        this.#checkpoint(item.reason);
        continue;
      }
      if (this.#firstEventAt !== null && nowMs - this.#firstEventAt >= this.limits.maxAgeMs)
        this.#rotate(now);
      const src =
        item.src === undefined ? "" : `,"src":${JSON.stringify({ node: item.src.node, seq: item.src.seq })}`;
      const record = this.#emit(`${item.members}${src}`, item.type);
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

  #begin(now: Date): void {
    this.#batch = emptyBatch();
    this.#ts = now.toISOString();
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
    this.#batch.ops.push({ kind: "rotate", name, text: this.#pending.join("") });
    this.#pending = [];
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

  /** `members` starts with the `"type"` member; `type` is its value, passed along to spare a parse. */
  #emit(members: string, type: string): ForwardRecord {
    const seq = this.#seq + 1;
    const { line, hash } = sealRecord(`{"seq":${seq},"ts":"${this.#ts}","prev":"${this.#prev}",${members}}`);
    this.#seq = seq;
    this.#prev = hash;
    const bytes = Buffer.byteLength(line) + 1;
    this.#pending.push(`${line}\n`);
    this.#fileBytes += bytes;
    this.#batch.bytes += bytes;
    if (type !== CHECKPOINT_TYPE) this.#sinceCheckpoint++;
    const record: ForwardRecord = { line, type, ts: this.#ts, seq };
    this.#batch.records.push(record);
    return record;
  }

  #cut(): void {
    if (this.#pending.length === 0) return;
    this.#batch.ops.push({ kind: "append", text: this.#pending.join("") });
    this.#pending = [];
  }
}

function emptyBatch(): EncodedBatch {
  return { ops: [], records: [], events: 0, checkpoints: 0, bytes: 0 };
}
