/**
 * @module Carries out the encoder's write ops on disk: appends through one FileHandle opened with
 * `a` (one write per op), creates the next file on rotation, and fdatasyncs once per batch.
 */
import type { FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { WriteOp } from "./chain-encoder.js";
import { createAuditFile } from "./files.js";

export class AuditFileWriter {
  #handle: FileHandle | null;
  #currentFile = "";
  #filesCreated = 0;

  /** `handle`: an existing file to append to first (restart recovery), or null. */
  constructor(
    private readonly dir: string,
    handle: FileHandle | null,
  ) {
    this.#handle = handle;
  }

  get currentFile(): string {
    return this.#currentFile;
  }

  get filesCreated(): number {
    return this.#filesCreated;
  }

  /** Runs `ops` in order; resolves once all of them are on disk. */
  async execute(ops: readonly WriteOp[]): Promise<void> {
    if (ops.length === 0) return;
    for (const op of ops) {
      if (op.kind === "rotate") {
        await this.#closeCurrent(true);
        this.#handle = await createAuditFile(this.dir, op.name, op.bytes);
        this.#currentFile = join(this.dir, op.name);
        this.#filesCreated++;
        continue;
      }
      if (this.#handle === null) throw new Error("audit log: append op without an open file");
      const { bytes } = op;
      for (let offset = 0; offset < bytes.length; ) {
        offset += (await this.#handle.write(bytes, offset)).bytesWritten;
      }
    }
    await this.#handle?.datasync();
  }

  async close(): Promise<void> {
    await this.#closeCurrent(false);
  }

  async #closeCurrent(sync: boolean): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    if (handle === null) return;
    try {
      if (sync) await handle.datasync();
    } finally {
      await handle.close();
    }
  }
}
