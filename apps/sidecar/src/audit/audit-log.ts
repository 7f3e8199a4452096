/**
 * @module The audit log writer. `append` is synchronous and only queues; a drain loop encodes what has
 * queued (see ChainEncoder), writes it with one write per file per batch, fdatasyncs, then resolves
 * `flush` waiters and hands the records to forwarders. Appends that arrive during a write form the
 * next batch, so under load batches grow and fsyncs stay few.
 */
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { resolve } from "node:path";
import { ChainEncoder, type EncodedBatch, type ForwardRecord, type QueueItem } from "./chain-encoder.js";
import { AuditError } from "./errors.js";
import { type AuditEventInput, checkSource, encodeEventMembers, encodeStampedMembers } from "./event.js";
import { AuditFileWriter } from "./file-writer.js";
import type { Forwarder, ForwardOptions } from "./forward.js";
import { createForwarders } from "./forwarders.js";
import { loadSigningKey } from "./keys.js";
import type { SourceRef } from "./record.js";
import { recoverTail } from "./recover.js";
import { SourceTracker } from "./sources.js";

export interface AuditLogOptions {
  /** directory of the audit files and, by default, the key */
  dir: string;
  /** PEM PKCS8 Ed25519 private key; default `<dir>/audit-key.pem`, created when missing */
  keyFile?: string;
  /** records between checkpoints (default 1000) */
  checkpointEvery?: number;
  /** checkpoint at least this often while records arrive (default 10 s) */
  checkpointIntervalMs?: number;
  /** rotate once a file reaches this size (default 64 MiB) */
  maxBytes?: number;
  /** rotate once a file's first event is this old (default 24 h) */
  maxAgeMs?: number;
  forward?: ForwardOptions;
  /** Called with each batch of records once durable (the dashboard's live view); must not throw. */
  onWritten?: (records: readonly ForwardRecord[]) => void;
}

/** Counters since open, for metrics. */
export interface AuditLogStats {
  /** records written, including segment and checkpoint records */
  records: number;
  /** appended events written */
  events: number;
  /** signed checkpoints written */
  checkpoints: number;
  /** bytes written to audit files */
  bytes: number;
  /** audit files created (one per start and one per rotation) */
  files: number;
  currentFile: string;
  /** seq of the last record encoded */
  lastSeq: number;
  /** events appended and not yet durable */
  queued: number;
  forwarded: number;
  forwardDropped: number;
  forwardQueued: number;
}

// Encoding costs ~2 µs per event (mostly sha256 and copying bytes); capping a batch keeps one
// drain step from holding the event loop for more than ~15 ms when a large backlog has queued.
const MAX_BATCH_ITEMS = 2_048;

interface FlushWaiter {
  target: number;
  resolve(): void;
  reject(error: unknown): void;
}

export class AuditLog {
  readonly #dir: string;
  readonly #encoder: ChainEncoder;
  readonly #accepted: SourceTracker;
  readonly #forwarders: Forwarder[];
  readonly #timer: NodeJS.Timeout;
  readonly #files: AuditFileWriter;
  #onWritten: ((records: readonly ForwardRecord[]) => void) | undefined;
  #queue: QueueItem[] = [];
  #appended = 0;
  #durable = 0;
  #waiters: FlushWaiter[] = [];
  #scheduled: NodeJS.Immediate | null = null;
  #draining: Promise<void> | null = null;
  #failure: AuditError | null = null;
  #closing: Promise<void> | null = null;
  #stats = { records: 0, events: 0, checkpoints: 0, bytes: 0 };
  #lastSource: SourceRef | undefined;

  private constructor(
    dir: string,
    encoder: ChainEncoder,
    accepted: SourceTracker,
    forwarders: Forwarder[],
    intervalMs: number,
    handle: FileHandle | null,
  ) {
    this.#dir = dir;
    this.#encoder = encoder;
    this.#accepted = accepted;
    this.#forwarders = forwarders;
    this.#files = new AuditFileWriter(dir, handle);
    // setInterval treats anything above 2^31-1 ms as 1 ms; clamp so a huge interval means "rarely".
    this.#timer = setInterval(() => this.#tick(), Math.min(intervalMs, 2 ** 31 - 1)).unref();
  }

  /**
   * Opens the log in `options.dir`: loads or creates the key, verifies the newest file and continues its
   * chain in a new file (sealing it first if a crash left records unsealed).
   * @throws AuditError `AUDIT_TAIL_CORRUPT` / `AUDIT_CHAIN_BROKEN` when the newest file is damaged.
   */
  static async open(options: AuditLogOptions): Promise<AuditLog> {
    if (typeof options.dir !== "string" || options.dir === "")
      throw new TypeError('"dir" must be a directory path');
    const limits = {
      checkpointEvery: positive(options.checkpointEvery, 1000, "checkpointEvery", true),
      maxBytes: positive(options.maxBytes, 64 * 1024 * 1024, "maxBytes", true),
      maxAgeMs: positive(options.maxAgeMs, 24 * 60 * 60 * 1000, "maxAgeMs", false),
    };
    const intervalMs = positive(options.checkpointIntervalMs, 10_000, "checkpointIntervalMs", false);
    const forwarders = createForwarders(options.forward);
    const dir = resolve(options.dir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const key = await loadSigningKey(dir, options.keyFile);
    const accepted = new SourceTracker();
    const tail = await recoverTail(dir, key, accepted);
    const encoded = new SourceTracker();
    encoded.load(accepted.snapshot());
    const encoder = new ChainEncoder(key, limits, encoded, tail);
    const handle = tail !== null && tail.unsealed > 0 ? await open(tail.file, "a") : null;
    const log = new AuditLog(dir, encoder, accepted, forwarders, intervalMs, handle);
    log.#onWritten = options.onWritten;
    try {
      const batch = encoder.start(new Date());
      await log.#files.execute(batch.ops);
      log.#account(batch);
    } catch (error) {
      clearInterval(log.#timer);
      await log.#files.close();
      throw error;
    }
    return log;
  }

  /**
   * Queues one event; cheap and synchronous. `source` names the runtime node and its batch seq.
   * @throws TypeError for an event the log cannot record; AuditError `AUDIT_CLOSED` / `AUDIT_WRITE_FAILED`.
   */
  append<E extends AuditEventInput>(event: E, source?: SourceRef): void {
    this.#refuseIfStopped();
    this.#queueEvent(event, encodeEventMembers(event), source);
  }

  /**
   * Queues an event a runtime sent, stamped with its node: the record is the one
   * `append({ ...event, node: source.node }, source)` writes, without copying the event. The
   * written record's `event` (for `onWritten` and forwarders) is `event` as given; the node is its `src`.
   * @throws like `append`
   */
  appendStamped(event: AuditEventInput, source: SourceRef): void {
    this.#refuseIfStopped();
    this.#queueEvent(event, encodeStampedMembers(event, source.node), source);
  }

  /** Resolves once every event appended so far is written and fdatasynced. */
  flush(): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#durable >= this.#appended) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ target: this.#appended, resolve, reject }));
  }

  /** Flushes, seals the current file with a checkpoint, closes it and the forwarders. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** Highest batch seq appended for `node` (0 if none): a batch at or below it is a resend. */
  lastSourceSeq(node: string): number {
    return this.#accepted.get(node);
  }

  /**
   * Events of `node`'s newest batch appended (or found in the log at start): after a failed write
   * a batch may be in the log only in part, and its resend must add the rest, not be dropped.
   */
  lastSourceCount(node: string): number {
    return this.#accepted.countOf(node);
  }

  get currentFile(): string {
    return this.#files.currentFile;
  }

  get stats(): AuditLogStats {
    let forwarded = 0;
    let forwardDropped = 0;
    let forwardQueued = 0;
    for (const forwarder of this.#forwarders) {
      forwarded += forwarder.forwarded;
      forwardDropped += forwarder.dropped;
      forwardQueued += forwarder.queued;
    }
    return {
      ...this.#stats,
      files: this.#files.filesCreated,
      currentFile: this.#files.currentFile,
      lastSeq: this.#encoder.lastSeq,
      queued: this.#appended - this.#durable,
      forwarded,
      forwardDropped,
      forwardQueued,
    };
  }

  #refuseIfStopped(): void {
    if (this.#failure !== null) throw this.#failure;
    if (this.#closing !== null) throw new AuditError("AUDIT_CLOSED", "audit log is closed");
  }

  #queueEvent(event: AuditEventInput, members: string, source: SourceRef | undefined): void {
    const src = source === undefined ? undefined : this.#checkedSource(source);
    this.#queue.push({ kind: "event", type: event.type, members, src, event });
    this.#appended++;
    if (src !== undefined) this.#accepted.note(src.node, src.seq);
    this.#schedule();
  }

  /**
   * A checked copy of `source` (the caller may reuse its object); consecutive events of one runtime
   * batch share one copy, so the encoder serialises their `src` once.
   */
  #checkedSource(source: SourceRef): SourceRef {
    const last = this.#lastSource;
    if (last !== undefined && source.node === last.node && source.seq === last.seq) return last;
    this.#lastSource = checkSource(source);
    return this.#lastSource;
  }

  #schedule(): void {
    if (this.#scheduled !== null || this.#draining !== null) return;
    // setImmediate, not a microtask: every append of the current tick joins the first batch.
    this.#scheduled = setImmediate(() => {
      this.#scheduled = null;
      this.#startDrain();
    });
  }

  #startDrain(): void {
    this.#draining = this.#drain().finally(() => {
      this.#draining = null;
      // Once closing, the shutdown drains what is left itself.
      if (this.#queue.length > 0 && this.#failure === null && this.#closing === null) this.#schedule();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0 && this.#failure === null) {
        const items =
          this.#queue.length <= MAX_BATCH_ITEMS ? this.#queue : this.#queue.slice(0, MAX_BATCH_ITEMS);
        this.#queue = items === this.#queue ? [] : this.#queue.slice(MAX_BATCH_ITEMS);
        const batch = this.#encoder.encode(items, new Date());
        await this.#files.execute(batch.ops);
        this.#account(batch);
      }
    } catch (cause) {
      this.#fail(cause);
    }
  }

  #account(batch: EncodedBatch): void {
    this.#durable += batch.events;
    this.#stats.records += batch.records.length;
    this.#stats.events += batch.events;
    this.#stats.checkpoints += batch.checkpoints;
    this.#stats.bytes += batch.bytes;
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) {
      if (waiter.target <= this.#durable) waiter.resolve();
      else this.#waiters.push(waiter);
    }
    if (batch.records.length === 0) return;
    for (const forwarder of this.#forwarders) forwarder.send(batch.records);
    this.#onWritten?.(batch.records);
  }

  #fail(cause: unknown): void {
    // The chain in memory is now ahead of the disk; continuing would leave a gap, so the log stops.
    this.#failure = new AuditError("AUDIT_WRITE_FAILED", `audit log write failed in ${this.#dir}`, { cause });
    for (const waiter of this.#waiters) waiter.reject(this.#failure);
    this.#waiters = [];
  }

  #tick(): void {
    if (this.#closing !== null || this.#failure !== null) return;
    if (this.#encoder.unsealed === 0 && this.#queue.length === 0) return;
    this.#queue.push({ kind: "checkpoint", reason: "interval" });
    this.#schedule();
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#scheduled !== null) clearImmediate(this.#scheduled);
    this.#scheduled = null;
    await this.#draining;
    if (this.#failure === null) {
      this.#queue.push({ kind: "checkpoint", reason: "close" });
      await this.#drain();
    }
    await this.#files.close();
    await Promise.all(this.#forwarders.map((forwarder) => forwarder.close()));
    if (this.#failure !== null) throw this.#failure;
  }
}

// Durations may be fractional (config gives hours); counts and sizes must be whole.
function positive(value: number | undefined, fallback: number, name: string, integer: boolean): number {
  if (value === undefined) return fallback;
  if (integer && (!Number.isSafeInteger(value) || value < 1))
    throw new TypeError(`"${name}" must be a positive integer`);
  if (!integer && !(Number.isFinite(value) && value > 0))
    throw new TypeError(`"${name}" must be a positive number`);
  return value;
}
