/**
 * @module Builds a batch's sealed lines as UTF-8 bytes in one growing buffer: each record's text is
 * written once, hashed in place and sealed by overwriting its closing brace, and the file writes take
 * slices of the same bytes. Building each line as a string, joining the batch and encoding it again
 * cost over twice as much per record (measured on 300-byte tool calls), most of it in string copies.
 */
import { HASH_SUFFIX_LENGTH, sha256Hex } from "./record.js";

// Bytes of one UTF-16 code unit in UTF-8, at most (a surrogate pair is 4 bytes for 2 units).
const MAX_UTF8_PER_UNIT = 3;
const CLOSE_BRACE = 0x7d;
// `}` replaced by `,"hash":"<64 hex>"}` and a newline.
const SEAL_BYTES = HASH_SUFFIX_LENGTH + 1;
const MIN_CAPACITY = 16 * 1024;

export class RecordBuffer {
  #bytes: Buffer = Buffer.allocUnsafe(0);
  #length = 0;
  /** where the bytes not yet taken by `take` start */
  #taken = 0;
  #lineStart = 0;

  /** The buffer the last sealed line is in (a later `seal` may move on to a new one). */
  get bytes(): Buffer {
    return this.#bytes;
  }

  /** Where the last sealed line starts in `bytes`; it ends before the newline, at `lineEnd`. */
  get lineStart(): number {
    return this.#lineStart;
  }

  get lineEnd(): number {
    return this.#length - 1;
  }

  /** Starts a batch of about `expectedBytes`; slices taken from the previous one stay valid. */
  reset(expectedBytes: number): void {
    this.#bytes = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, expectedBytes));
    this.#length = 0;
    this.#taken = 0;
  }

  /**
   * Appends the record `{<head><members><more>}` (head: ASCII, ending in a comma; members and
   * more: JSON text, passed apart to spare a concatenation), sealed: the hash covers exactly that
   * text, and the line is the text with `,"hash":"<hex>"` before its closing brace (the form
   * `parseRecordLine` checks), then a newline. Returns the hash.
   */
  seal(head: string, members: string, more = ""): string {
    this.#reserve(head.length + MAX_UTF8_PER_UNIT * (members.length + more.length) + SEAL_BYTES);
    const bytes = this.#bytes;
    const start = this.#length;
    let at = start + bytes.write(head, start, "latin1");
    at += bytes.write(members, at, "utf8");
    if (more !== "") at += bytes.write(more, at, "utf8");
    bytes[at++] = CLOSE_BRACE;
    const hash = sha256Hex(bytes.subarray(start, at));
    at += bytes.write(`,"hash":"${hash}"}\n`, at - 1, "latin1") - 1;
    this.#lineStart = start;
    this.#length = at;
    return hash;
  }

  /** The bytes appended since the last `take` (a view, not a copy). */
  take(): Buffer {
    const slice = this.#bytes.subarray(this.#taken, this.#length);
    this.#taken = this.#length;
    return slice;
  }

  /** Whether bytes were appended since the last `take`. */
  get pending(): boolean {
    return this.#length > this.#taken;
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#bytes.length) return;
    // Only the untaken tail moves; taken slices and earlier lines keep the old buffer alive, unchanged.
    const next = Buffer.allocUnsafe(Math.max(2 * this.#bytes.length, MIN_CAPACITY, 2 * bytes));
    const tail = this.#length - this.#taken;
    this.#bytes.copy(next, 0, this.#taken, this.#length);
    this.#bytes = next;
    this.#taken = 0;
    this.#length = tail;
  }
}
