/**
 * @module Reads capture files back for replay: every record of every `capture-*.jsonl` in a folder,
 * oldest file first, line by line (a file is never held whole in memory). A last line without its
 * newline is a write torn by a crash or a full disk and is skipped, as is any line that is not a
 * capture record.
 */
import { createReadStream } from "node:fs";
import { listCaptureFiles } from "./files.js";
import type { CaptureQuery, CaptureRecord } from "./types.js";

export async function* readCaptured(dir: string, query: CaptureQuery = {}): AsyncIterable<CaptureRecord> {
  for (const file of await listCaptureFiles(dir)) {
    for await (const line of completeLines(file.path)) {
      const record = parseRecord(line);
      if (record === undefined) continue;
      if (query.tool !== undefined && record.tool !== query.tool) continue;
      if (query.since !== undefined && record.ts < query.since) continue;
      yield record;
    }
  }
}

/** The newline-terminated lines of `path`; a file deleted meanwhile (size bound) has none. */
async function* completeLines(path: string): AsyncIterable<string> {
  let rest = "";
  try {
    for await (const chunk of createReadStream(path, { encoding: "utf8" })) {
      const lines = (rest + (chunk as string)).split("\n");
      // the last piece has no newline yet: it is completed by the next chunk, or torn
      rest = lines.pop() ?? "";
      for (const line of lines) if (line !== "") yield line;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

function parseRecord(line: string): CaptureRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Partial<CaptureRecord>;
  const valid =
    typeof record.id === "string" &&
    typeof record.tool === "string" &&
    typeof record.ts === "number" &&
    typeof record.arguments === "object" &&
    record.arguments !== null &&
    (record.result === undefined || (typeof record.result === "object" && record.result !== null)) &&
    (record.errorCode === undefined || typeof record.errorCode === "number") &&
    (record.result !== undefined || record.errorCode !== undefined);
  return valid ? (record as CaptureRecord) : undefined;
}
