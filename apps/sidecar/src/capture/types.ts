/**
 * @module The capture store's contract: captured calls (`CapturedCall`, sent by runtimes whose
 * `telemetry.capture` is on) appended to size-bounded JSONL files, and read back for replay.
 */
import type { CapturedCall } from "@mcp-runtime/telemetry";

/** One line of a capture file: the call as the runtime sent it, and which runtime sent it. */
export interface CaptureRecord extends CapturedCall {
  node: string;
}

export interface CaptureStoreOptions {
  dir: string;
  /** all capture files together; the oldest files are deleted past it */
  maxBytes: number;
  /** one file; a new one is started past it */
  fileMaxBytes: number;
}

export interface CaptureWriter {
  /** Queues records for writing; never throws (a failing disk is logged and counted). */
  append(node: string, calls: readonly CapturedCall[]): void;
  readonly stats: { records: number; dropped: number; bytes: number };
  close(): Promise<void>;
}

export interface CaptureQuery {
  tool?: string;
  /** epoch ms: only calls at or after it */
  since?: number;
}
