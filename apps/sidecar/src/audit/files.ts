/**
 * @module Audit file names and creation. Names are `audit-<first seq, 12 digits>-<yyyymmddThhmmssZ>.jsonl`,
 * so lexical order is chain order even if the clock steps back.
 */
import { type FileHandle, open, readdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

const AUDIT_FILE = /^audit-\d{12}-\d{8}T\d{6}Z\.jsonl$/;

export function auditFileName(firstSeq: number, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  return `audit-${String(firstSeq).padStart(12, "0")}-${stamp}.jsonl`;
}

export function isAuditFileName(name: string): boolean {
  return AUDIT_FILE.test(name);
}

/** The audit files in `dir`, oldest first, as full paths. */
export async function listAuditFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter(isAuditFileName).sort();
  return names.map((name) => join(dir, name));
}

/**
 * Creates `dir/name` holding `firstLine` and opens it for appending. The line goes to a temporary name
 * first and is renamed into place after fsync, so a crash never leaves an audit file without its
 * segment record; the directory is fsynced so the new name itself survives a crash.
 */
export async function createAuditFile(
  dir: string,
  name: string,
  firstLine: string | Uint8Array,
): Promise<FileHandle> {
  const path = join(dir, name);
  const temporary = `${path}.tmp`;
  await writeFile(temporary, firstLine, { flag: "w", mode: 0o640, flush: true });
  await rename(temporary, path);
  await syncDirectory(dir);
  return open(path, "a");
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
