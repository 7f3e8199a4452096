/**
 * @module Offline verification of audit files: the chain across files in the order given, every
 * checkpoint's signature against one trusted key, every file starting with a segment record and ending
 * sealed by a checkpoint. Reports the first bad line.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type ChainPosition, checkAuditFile } from "./chain.js";
import { AuditError } from "./errors.js";
import { PUBLIC_KEY_FILE, type TrustedKey, trustedKeyFromPem } from "./keys.js";

export type VerifyResult =
  | { ok: true; records: number }
  | { ok: false; file: string; line: number; reason: string };

export interface VerifyOptions {
  /** SPKI PEM of the trusted key; default `audit-key.pub` beside the first file */
  publicKeyPem?: string;
}

/**
 * Verifies `files` as one chain. The first file's segment `prev` is taken as the anchor (older files
 * may be archived) unless it is seq 1, which must carry the genesis prev. Line numbers are 1-based.
 */
export async function verifyAuditFiles(
  files: readonly string[],
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const first = files[0];
  if (first === undefined) return { ok: false, file: "-", line: 0, reason: "no files to verify" };
  const trust = await trustedKey(first, options.publicKeyPem);
  if (!("keyId" in trust)) return trust;
  let position: ChainPosition | null = null;
  let records = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      return { ok: false, file, line: 0, reason: `cannot read: ${(error as Error).message}` };
    }
    const check = checkAuditFile(text, position, trust);
    if (!check.ok) return { ok: false, file, line: check.line, reason: check.reason };
    if (check.unsealedFrom !== null) {
      const reason = `records from here to line ${check.records} are not sealed by a checkpoint (file truncated or checkpoint removed)`;
      return { ok: false, file, line: check.unsealedFrom, reason };
    }
    position = check.end;
    records += check.records;
  }
  return { ok: true, records };
}

/** The CLI contract: `ok: N records`, or `FILE:LINE: reason`. */
export function formatVerifyResult(result: VerifyResult): string {
  return result.ok ? `ok: ${result.records} records` : `${result.file}:${result.line}: ${result.reason}`;
}

async function trustedKey(
  firstFile: string,
  pem: string | undefined,
): Promise<TrustedKey | Extract<VerifyResult, { ok: false }>> {
  const keyPath = join(dirname(firstFile), PUBLIC_KEY_FILE);
  let text = pem;
  if (text === undefined) {
    try {
      text = await readFile(keyPath, "utf8");
    } catch {
      const reason = `no public key: pass one (--key) or put ${PUBLIC_KEY_FILE} beside the audit files`;
      return { ok: false, file: keyPath, line: 0, reason };
    }
  }
  try {
    return trustedKeyFromPem(text, pem === undefined ? keyPath : "the given public key");
  } catch (error) {
    if (error instanceof AuditError)
      return { ok: false, file: pem === undefined ? keyPath : "-", line: 0, reason: error.message };
    throw error;
  }
}
