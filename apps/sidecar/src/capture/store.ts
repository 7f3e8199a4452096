/**
 * @module The capture store's writer: captured calls appended as JSONL lines to size-bounded files
 * (`capture-*.jsonl`, mode 0600 in a 0700 folder: inputs may hold personal data). Appends only
 * queue; one asynchronous write is in flight at a time, carrying everything queued meanwhile, so
 * the sidecar's event loop never waits on the disk. Past `fileMaxBytes` a new file is started;
 * past `maxBytes` in total the oldest files are deleted. A failing disk (full, read-only) drops
 * and counts records instead of throwing, and is logged once per failure episode.
 */
import { chmod, type FileHandle, mkdir, open, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { CapturedCall, Logger } from "@mcp-runtime/telemetry";
import { type CaptureFile, captureFileName, captureStamp, listCaptureFiles } from "./files.js";
import type { CaptureRecord, CaptureStoreOptions, CaptureWriter } from "./types.js";

/** Queued but unwritten bytes past which new records are dropped: a slow disk must not grow the heap. */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/** Opens (creating with mode 0700) the capture folder and returns a writer appending to it. */
export async function openCaptureStore(options: CaptureStoreOptions, logger: Logger): Promise<CaptureWriter> {
  if (typeof options.dir !== "string" || options.dir === "")
    throw new TypeError('"dir" option must be a non-empty string');
  for (const key of ["maxBytes", "fileMaxBytes"] as const) {
    if (!Number.isSafeInteger(options[key]) || options[key] <= 0)
      throw new TypeError(`"${key}" option must be a positive integer`);
  }
  if (options.fileMaxBytes > options.maxBytes)
    throw new TypeError('"fileMaxBytes" option must not exceed "maxBytes"');
  // The folder is made on the first captured call, not here: most sidecars never capture, and a
  // read-only image whose capture folder is not a volume must still start.
  return new CaptureStore(options, logger);
}

class CaptureStore implements CaptureWriter {
  readonly #options: CaptureStoreOptions;
  readonly #logger: Logger;
  /** every capture file in the folder, oldest first; the last one is `#current` once open */
  readonly #files: CaptureFile[] = [];
  #prepared = false;
  readonly #stamp = captureStamp(new Date());
  #totalBytes = 0;
  #queue: string[] = [];
  #queuedBytes = 0;
  #handle: FileHandle | null = null;
  #current: CaptureFile | null = null;
  #sequence = 0;
  #draining: Promise<void> | null = null;
  #closed = false;
  #failing = false;
  #records = 0;
  #dropped = 0;

  constructor(options: CaptureStoreOptions, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
  }

  /** Makes the folder (0700) and counts the files an earlier run left towards `maxBytes`. */
  async #prepare(): Promise<void> {
    const { dir } = this.#options;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode only applies to a folder it creates; an existing one is tightened too.
    await chmod(dir, 0o700).catch((error: NodeJS.ErrnoException) =>
      this.#logger.warn({ msg: "capture store: cannot restrict folder to 0700", dir, error: error.code }),
    );
    const existing = await listCaptureFiles(dir);
    this.#files.unshift(...existing);
    this.#totalBytes += existing.reduce((sum, file) => sum + file.bytes, 0);
    this.#prepared = true;
  }

  get stats(): { records: number; dropped: number; bytes: number } {
    return { records: this.#records, dropped: this.#dropped, bytes: this.#totalBytes };
  }

  append(node: string, calls: readonly CapturedCall[]): void {
    for (const call of calls) {
      const record: CaptureRecord = { ...call, node };
      const line = `${JSON.stringify(record)}\n`;
      const bytes = Buffer.byteLength(line);
      if (
        this.#closed ||
        bytes > this.#options.fileMaxBytes ||
        this.#queuedBytes + bytes > MAX_QUEUED_BYTES
      ) {
        this.#dropped++;
        continue;
      }
      this.#queue.push(line);
      this.#queuedBytes += bytes;
    }
    if (this.#queue.length > 0 && this.#draining === null) {
      // Deferred one turn so that every record arriving in this I/O phase joins the same write.
      this.#draining = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#drain());
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#draining !== null) await this.#draining;
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close().catch(() => undefined);
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const lines = this.#queue;
        this.#queue = [];
        this.#queuedBytes = 0;
        await this.#write(lines);
      }
    } finally {
      this.#draining = null;
    }
  }

  async #write(lines: readonly string[]): Promise<void> {
    let index = 0;
    try {
      while (index < lines.length) {
        const first = Buffer.byteLength(lines[index] as string);
        if (this.#current === null || this.#current.bytes + first > this.#options.fileMaxBytes)
          await this.#rotate();
        // #rotate sets both or throws
        const current = this.#current as CaptureFile;
        const handle = this.#handle as FileHandle;
        let end = index;
        let bytes = 0;
        while (end < lines.length) {
          const size = Buffer.byteLength(lines[end] as string);
          if (end > index && current.bytes + bytes + size > this.#options.fileMaxBytes) break;
          bytes += size;
          end++;
        }
        const buffer = Buffer.from(lines.slice(index, end).join(""), "utf8");
        for (let offset = 0; offset < buffer.length; ) {
          offset += (await handle.write(buffer, offset)).bytesWritten;
        }
        current.bytes += buffer.length;
        this.#totalBytes += buffer.length;
        this.#records += end - index;
        index = end;
        await this.#enforceTotal();
      }
      if (this.#failing) {
        this.#failing = false;
        this.#logger.info({ msg: "capture store: writing again", dropped: this.#dropped });
      }
    } catch (error) {
      this.#dropped += lines.length - index;
      if (!this.#failing) {
        this.#failing = true;
        this.#logger.warn({
          msg: "capture store: write failed; dropping captured calls until a write succeeds",
          dir: this.#options.dir,
          error: (error as NodeJS.ErrnoException).code ?? String(error),
        });
      }
      await this.#abandonCurrent();
    }
  }

  /** Closes the current file (if any) and opens the next one, exclusively, mode 0600. */
  async #rotate(): Promise<void> {
    if (!this.#prepared) await this.#prepare();
    await this.#closeCurrent();
    this.#sequence++;
    const path = join(this.#options.dir, captureFileName(this.#stamp, this.#sequence));
    this.#handle = await open(path, "ax", 0o600);
    this.#current = { path, bytes: 0 };
    this.#files.push(this.#current);
  }

  /** After a failed write the file may end in a torn line: re-measure it and start a new one next time. */
  async #abandonCurrent(): Promise<void> {
    const current = this.#current;
    await this.#closeCurrent();
    if (current === null) return;
    try {
      const bytes = (await stat(current.path)).size;
      this.#totalBytes += bytes - current.bytes;
      current.bytes = bytes;
    } catch {
      // cannot measure it now; the next start lists the folder again
    }
  }

  async #closeCurrent(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    this.#current = null;
    await handle?.close().catch(() => undefined);
  }

  /** Deletes the oldest files while the folder holds more than `maxBytes` (never the file being written). */
  async #enforceTotal(): Promise<void> {
    while (this.#totalBytes > this.#options.maxBytes && this.#files.length > 1) {
      const oldest = this.#files[0] as CaptureFile;
      if (oldest === this.#current) break;
      try {
        await unlink(oldest.path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOENT") {
          this.#logger.warn({
            msg: "capture store: cannot delete the oldest file",
            file: oldest.path,
            error: code,
          });
          return;
        }
      }
      this.#files.shift();
      this.#totalBytes -= oldest.bytes;
    }
  }
}
