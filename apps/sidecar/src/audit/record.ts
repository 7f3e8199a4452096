/**
 * @module One audit record as a line of text: the hash is over the exact JSON text without it and is
 * spliced in as the last member (see RecordBuffer.seal); parsing a line back re-checks it. No I/O.
 */
import { hash } from "node:crypto";

/** `prev` of the very first record ever written. */
export const GENESIS_PREV = "0".repeat(64);

/** Which runtime delivered a record, and in which of its batches. */
export interface SourceRef {
  node: string;
  seq: number;
}

/** A record as parsed from a line; event fields sit beside the chain fields. */
export interface AuditRecord {
  seq: number;
  /** ISO time the record was written */
  ts: string;
  prev: string;
  type: string;
  hash: string;
  src?: SourceRef;
  [field: string]: unknown;
}

export type ParsedLine = { ok: true; record: AuditRecord } | { ok: false; reason: string };

const HEX64 = /^[0-9a-f]{64}$/;
// `,"hash":"` + 64 hex + `"}`; a fixed width lets verification strip the suffix without re-serialising.
export const HASH_SUFFIX_LENGTH = 9 + 64 + 2;
const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"}$/;

/**
 * One-shot `crypto.hash` (Node >= 20.12): about half the cost of `createHash().update().digest()`
 * on a record-sized input, which matters at one hash per record. A string is hashed as UTF-8.
 */
export function sha256Hex(data: string | Uint8Array): string {
  return hash("sha256", data, "hex");
}

/** Parses one line (without its newline) and checks its own hash; chaining is the caller's job. */
export function parseRecordLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: "invalid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reason: "not a JSON object" };
  }
  const suffix = HASH_SUFFIX.exec(line);
  if (suffix === null) return { ok: false, reason: 'missing "hash" as the last member' };
  const body = `${line.slice(0, -HASH_SUFFIX_LENGTH)}}`;
  if (sha256Hex(body) !== suffix[1]) return { ok: false, reason: "hash mismatch: the line was modified" };
  const record = value as Record<string, unknown>;
  const shapeProblem = checkShape(record);
  if (shapeProblem !== null) return { ok: false, reason: shapeProblem };
  return { ok: true, record: record as AuditRecord };
}

function checkShape(record: Record<string, unknown>): string | null {
  const { seq, ts, prev, type, src } = record;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1)
    return '"seq" is not a positive integer';
  if (typeof ts !== "string") return '"ts" is not a string';
  if (typeof prev !== "string" || !HEX64.test(prev)) return '"prev" is not 64 lowercase hex digits';
  if (typeof type !== "string" || type === "") return '"type" is not a non-empty string';
  if (src !== undefined) {
    const ref = src as Partial<SourceRef> | null;
    if (
      typeof ref !== "object" ||
      ref === null ||
      typeof ref.node !== "string" ||
      typeof ref.seq !== "number"
    ) {
      return '"src" is not {node, seq}';
    }
  }
  return null;
}
