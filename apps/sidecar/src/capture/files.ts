/**
 * @module Capture file names and listing. Names are `capture-<store start, compact ISO>-<n, 6 digits>.jsonl`,
 * so lexical order is write order (within one store by `n`, across restarts by the start time).
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

const CAPTURE_FILE = /^capture-\d{8}T\d{9}Z-\d{6}\.jsonl$/;

/** `2026-12-07T03:25:00.123Z` → `20261207T032500123Z`: no colons, so the name is portable. */
export function captureStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, "");
}

export function captureFileName(stamp: string, n: number): string {
  return `capture-${stamp}-${String(n).padStart(6, "0")}.jsonl`;
}

export function isCaptureFileName(name: string): boolean {
  return CAPTURE_FILE.test(name);
}

export interface CaptureFile {
  path: string;
  bytes: number;
}

/** The capture files in `dir`, oldest first, with their sizes; a missing `dir` has none. */
export async function listCaptureFiles(dir: string): Promise<CaptureFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter(isCaptureFileName).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const files: CaptureFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      files.push({ path, bytes: (await stat(path)).size });
    } catch {
      // deleted between readdir and stat (the writer's size bound): not a file any more
    }
  }
  return files;
}
