/**
 * @module Restart recovery: read the newest audit file, check it as `verify` would, and return where
 * the chain stands so the writer continues it with no gap. Also rebuilds the per-node batch seqs.
 */
import { readFile } from "node:fs/promises";
import { checkAuditFile } from "./chain.js";
import { SEGMENT_TYPE } from "./checkpoint.js";
import { AuditError } from "./errors.js";
import { listAuditFiles } from "./files.js";
import type { TrustedKey } from "./keys.js";
import type { SourceTracker } from "./sources.js";

export interface RecoveredTail {
  file: string;
  /** seq and hash of the file's last record */
  seq: number;
  hash: string;
  /** records after the last checkpoint: a crash before sealing; the writer seals them before going on */
  unsealed: number;
}

/** Returns null for an empty directory (the chain starts at the genesis). */
export async function recoverTail(
  dir: string,
  trust: TrustedKey,
  sources: SourceTracker,
): Promise<RecoveredTail | null> {
  const file = (await listAuditFiles(dir)).at(-1);
  if (file === undefined) return null;
  const text = await readFile(file, "utf8");
  // Signing a checkpoint over records we cannot vouch for would launder them, so anything short of a
  // clean file stops the start-up and leaves the decision to an operator.
  const check = checkAuditFile(text, null, trust, (record) => {
    if (record.type === SEGMENT_TYPE) sources.load(record.sources);
    else if (record.src !== undefined) sources.note(record.src.node, record.src.seq);
  });
  if (!check.ok) {
    const code = check.partial ? "AUDIT_TAIL_CORRUPT" : "AUDIT_CHAIN_BROKEN";
    const advice = check.partial
      ? "the last line is partial (crash mid-write?); inspect it, then move the file aside or cut the partial line"
      : "the newest audit file does not verify; inspect it before the chain is extended";
    throw new AuditError(code, `${file}:${check.line}: ${check.reason}; ${advice}`);
  }
  const unsealed = check.unsealedFrom === null ? 0 : check.records - check.unsealedFrom + 1;
  return { file, seq: check.end.seq, hash: check.end.hash, unsealed };
}
