/**
 * @module The per-file chain check shared by `verifyAuditFiles` and restart recovery: every line a
 * record with a valid own hash, seq +1 and prev = previous hash, a `segment` first, checkpoints signed
 * by the trusted key. Reports the first bad line; whether a file is sealed is left to the caller.
 */
import { CHECKPOINT_TYPE, checkpointProblem, SEGMENT_TYPE } from "./checkpoint.js";
import type { TrustedKey } from "./keys.js";
import { type AuditRecord, GENESIS_PREV, parseRecordLine } from "./record.js";

/** Where the chain stands after a record: the next record must have seq + 1 and prev = hash. */
export interface ChainPosition {
  seq: number;
  hash: string;
}

export type FileCheck =
  | {
      ok: true;
      records: number;
      end: ChainPosition;
      /** 1-based line of the first record after the last checkpoint, or null when the file ends sealed */
      unsealedFrom: number | null;
    }
  | { ok: false; line: number; reason: string; partial: boolean };

/**
 * Checks one file's text. `from` is where the previous file ended; null accepts the first segment's
 * `prev` as an anchor (earlier files may be archived) unless it claims seq 1, which must be the genesis.
 */
export function checkAuditFile(
  text: string,
  from: ChainPosition | null,
  trust: TrustedKey,
  onRecord?: (record: AuditRecord) => void,
): FileCheck {
  if (text === "")
    return { ok: false, line: 1, reason: "empty file: expected a segment record", partial: false };
  const lines = text.split("\n");
  // split leaves "" after the final newline; anything else there is a line the writer never finished.
  const partial = lines.pop() !== "";
  let position = from;
  let unsealedFrom: number | null = null;
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const line = lines[index] as string; // index < length
    const problem = (reason: string): FileCheck => ({ ok: false, line: lineNo, reason, partial: false });
    if (line === "") return problem("blank line");
    const parsed = parseRecordLine(line);
    if (!parsed.ok) return problem(parsed.reason);
    const record = parsed.record;
    if (position === null) {
      if (record.seq === 1 && record.prev !== GENESIS_PREV)
        return problem("seq 1 must have the genesis prev");
    } else {
      if (record.seq !== position.seq + 1) {
        return problem(
          `seq ${record.seq} where ${position.seq + 1} was expected (record deleted, inserted or moved)`,
        );
      }
      if (record.prev !== position.hash) {
        return problem(
          "prev does not match the hash of the previous record (record deleted, inserted or moved)",
        );
      }
    }
    if (index === 0 && record.type !== SEGMENT_TYPE)
      return problem("file does not start with a segment record");
    if (index > 0 && record.type === SEGMENT_TYPE) return problem("segment record in the middle of a file");
    if (record.type === CHECKPOINT_TYPE) {
      const reason = checkpointProblem(record, trust);
      if (reason !== null) return problem(reason);
      unsealedFrom = null;
    } else if (unsealedFrom === null) {
      unsealedFrom = lineNo;
    }
    onRecord?.(record);
    position = { seq: record.seq, hash: record.hash };
  }
  if (partial) {
    return {
      ok: false,
      line: lines.length + 1,
      reason: "incomplete last line (no newline): a write was cut short",
      partial: true,
    };
  }
  // A file that is only "\n" has no records; the blank-line check above already refused it.
  if (position === null) return { ok: false, line: 1, reason: "no records", partial: false };
  return { ok: true, records: lines.length, end: position, unsealedFrom };
}
