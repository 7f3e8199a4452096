/**
 * @module Splits a byte stream into newline-delimited frames without copying more than needed, and
 * refuses a frame over the size limit without buffering it (a 10 MB line costs nothing but time).
 */

/** An oversize line keeps only its first and last `probeBytes` (`head`, `tail`), to find its id. */
export type LineEvent =
  | { kind: "line"; text: string }
  | { kind: "oversize"; bytes: number; head: string; tail: string };

const DEFAULT_PROBE_BYTES = 512;

export class LineReader {
  private readonly maxLineBytes: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** bytes of an oversize line seen so far, while we skip to its end */
  private skipping = -1;
  private readonly probeBytes: number;
  private head: Buffer = Buffer.alloc(0);
  private tail: Buffer = Buffer.alloc(0);

  constructor(maxLineBytes: number, probeBytes = DEFAULT_PROBE_BYTES) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
      throw new TypeError('"maxLineBytes" option must be a positive integer');
    }
    this.maxLineBytes = maxLineBytes;
    this.probeBytes = probeBytes;
  }

  private oversize(): LineEvent {
    const event: LineEvent = {
      kind: "oversize",
      bytes: this.skipping,
      head: this.head.toString("utf8"),
      tail: this.tail.toString("utf8"),
    };
    this.skipping = -1;
    this.head = Buffer.alloc(0);
    this.tail = Buffer.alloc(0);
    return event;
  }

  /** Keeps the last `probeBytes` of the skipped line (never more, whatever the line's size). */
  private keepTail(segment: Buffer): void {
    if (segment.length >= this.probeBytes)
      this.tail = Buffer.from(segment.subarray(segment.length - this.probeBytes));
    else {
      const joined = Buffer.concat([this.tail, segment]);
      this.tail = joined.length > this.probeBytes ? joined.subarray(joined.length - this.probeBytes) : joined;
    }
  }

  /** Feeds one chunk; calls `emit` for every complete line (and for every oversize one, once). */
  push(chunk: Buffer, emit: (event: LineEvent) => void): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      if (this.skipping >= 0) {
        this.skipping += end - start;
        this.keepTail(chunk.subarray(start, end));
        if (newline !== -1) emit(this.oversize());
      } else if (this.buffered + (end - start) > this.maxLineBytes) {
        this.skipping = this.buffered + (end - start);
        const parts = [...this.chunks, chunk.subarray(start, end)];
        // Buffer.concat with a total length copies only that much: the head costs probeBytes.
        this.head = Buffer.concat(parts, Math.min(this.skipping, this.probeBytes));
        this.tail = Buffer.alloc(0);
        for (const part of parts) this.keepTail(part);
        this.chunks = [];
        this.buffered = 0;
        if (newline !== -1) emit(this.oversize());
      } else if (newline === -1) {
        this.chunks.push(chunk.subarray(start));
        this.buffered += chunk.length - start;
      } else {
        let line: string;
        if (this.chunks.length === 0) {
          line = chunk.toString("utf8", start, end);
        } else {
          this.chunks.push(chunk.subarray(start, end));
          line = Buffer.concat(this.chunks).toString("utf8");
          this.chunks = [];
          this.buffered = 0;
        }
        // Tolerate CRLF line endings from Windows clients.
        if (line.endsWith("\r")) line = line.slice(0, -1);
        if (line.trim().length > 0) emit({ kind: "line", text: line });
      }
      if (newline === -1) break;
      start = newline + 1;
    }
  }

  /** At end of input: a final line without a newline still counts. */
  end(emit: (event: LineEvent) => void): void {
    if (this.skipping >= 0) emit(this.oversize());
    else if (this.buffered > 0) {
      const line = Buffer.concat(this.chunks).toString("utf8");
      if (line.trim().length > 0) emit({ kind: "line", text: line });
    }
    this.chunks = [];
    this.buffered = 0;
    this.skipping = -1;
  }
}
