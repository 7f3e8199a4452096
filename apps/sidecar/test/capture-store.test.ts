/** The capture store: JSONL append, rotation, the total size bound, torn lines, file modes, a failing disk. */
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Writable } from "node:stream";
import type { CapturedCall } from "@mcp-runtime/telemetry";
import { createLogger } from "@mcp-runtime/telemetry";
import { afterEach, describe, expect, it } from "vitest";
import { listCaptureFiles } from "../src/capture/files.js";
import { type CaptureRecord, openCaptureStore, readCaptured } from "../src/capture/index.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-capture-test-"));
  dirs.push(dir);
  return dir;
}

function call(index: number, tool = "echo", ts = 1_700_000_000_000 + index): CapturedCall {
  return {
    id: `call-${index}`,
    ts,
    tool,
    era: "legacy",
    arguments: { text: `input ${index}` },
    result: { content: [{ type: "text", text: `input ${index}` }] },
    durationMs: 3,
  };
}

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line !== "") lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level: "info", stream }), lines };
}

async function readAll(dir: string, query = {}): Promise<CaptureRecord[]> {
  const records: CaptureRecord[] = [];
  for await (const record of readCaptured(dir, query)) records.push(record);
  return records;
}

const quiet = createLogger({ level: "error" });

describe("capture store", () => {
  it("appends one CaptureRecord per line, with the sending node, and reads them back in order", async () => {
    const dir = await tempDir();
    const store = await openCaptureStore({ dir, maxBytes: 1 << 20, fileMaxBytes: 1 << 16 }, quiet);
    store.append("node-a", [call(0), call(1)]);
    store.append("node-b", [call(2)]);
    await store.close();
    const records = await readAll(dir);
    expect(records).toEqual([
      { ...call(0), node: "node-a" },
      { ...call(1), node: "node-a" },
      { ...call(2), node: "node-b" },
    ]);
    expect(store.stats).toMatchObject({ records: 3, dropped: 0 });
    const [file] = await listCaptureFiles(dir);
    expect(basename(file?.path ?? "")).toMatch(/^capture-\d{8}T\d{9}Z-000001\.jsonl$/);
    expect(
      (await readFile(file?.path ?? "", "utf8"))
        .split("\n")
        .slice(0, -1)
        .map((line) => JSON.parse(line)),
    ).toEqual(records);
  });

  it("never writes during append: the write happens later, asynchronously, and close flushes it", async () => {
    const dir = await tempDir();
    const store = await openCaptureStore({ dir, maxBytes: 1 << 20, fileMaxBytes: 1 << 16 }, quiet);
    for (let index = 0; index < 500; index++) store.append("n", [call(index)]);
    expect(await readdir(dir)).toEqual([]);
    await store.close();
    expect((await readAll(dir)).map((record) => record.id)).toEqual(
      Array.from({ length: 500 }, (_, index) => `call-${index}`),
    );
  });

  it("creates the folder 0700 and every file 0600 (inputs may hold personal data)", async () => {
    const dir = join(await tempDir(), "captures");
    const store = await openCaptureStore({ dir, maxBytes: 1 << 20, fileMaxBytes: 1024 }, quiet);
    for (let index = 0; index < 30; index++) store.append("n", [call(index)]);
    await store.close();
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const files = await listCaptureFiles(dir);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect((await stat(file.path)).mode & 0o777).toBe(0o600);
  });

  it("touches the disk only when the first call arrives: a folder it cannot make drops and counts, never fails the start", async () => {
    const parent = await tempDir();
    const dir = join(parent, "captures");
    const store = await openCaptureStore({ dir, maxBytes: 1 << 20, fileMaxBytes: 1024 }, quiet);
    expect(await readdir(parent)).toEqual([]);
    await store.close();
    // A path below a regular file can never be made (ENOTDIR), root or not.
    await appendFile(join(parent, "not-a-folder"), "x");
    const blocked = await openCaptureStore(
      { dir: join(parent, "not-a-folder", "captures"), maxBytes: 1 << 20, fileMaxBytes: 1024 },
      quiet,
    );
    blocked.append("n", [call(1), call(2)]);
    await blocked.close();
    expect(blocked.stats).toMatchObject({ records: 0, dropped: 2 });
  });

  it("starts a new file before one would grow past fileMaxBytes, and reads all files oldest first", async () => {
    const dir = await tempDir();
    const store = await openCaptureStore({ dir, maxBytes: 1 << 20, fileMaxBytes: 1024 }, quiet);
    for (let index = 0; index < 100; index++) store.append("n", [call(index)]);
    await store.close();
    const files = await listCaptureFiles(dir);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(file.bytes).toBeLessThanOrEqual(1024);
    expect(files.map((file) => basename(file.path).slice(-12))).toEqual(
      files.map((_, index) => `${String(index + 1).padStart(6, "0")}.jsonl`),
    );
    expect((await readAll(dir)).map((record) => record.id)).toEqual(
      Array.from({ length: 100 }, (_, index) => `call-${index}`),
    );
    expect(store.stats.bytes).toBe(files.reduce((sum, file) => sum + file.bytes, 0));
  });

  it("deletes the oldest files once all of them exceed maxBytes, keeping the newest records", async () => {
    const dir = await tempDir();
    const store = await openCaptureStore({ dir, maxBytes: 4096, fileMaxBytes: 1024 }, quiet);
    for (let index = 0; index < 200; index++) store.append("n", [call(index)]);
    await store.close();
    const files = await listCaptureFiles(dir);
    const total = files.reduce((sum, file) => sum + file.bytes, 0);
    expect(total).toBeLessThanOrEqual(4096);
    expect(store.stats.bytes).toBe(total);
    const ids = (await readAll(dir)).map((record) => record.id);
    expect(ids.length).toBeGreaterThan(10);
    expect(ids.length).toBeLessThan(200);
    // what is left is the newest, unbroken tail
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, index) => `call-${200 - ids.length + index}`));
  });

  it("counts files left by an earlier store against maxBytes and appends after them", async () => {
    const dir = await tempDir();
    const first = await openCaptureStore({ dir, maxBytes: 4096, fileMaxBytes: 1024 }, quiet);
    for (let index = 0; index < 60; index++) first.append("n", [call(index)]);
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later start stamp
    const second = await openCaptureStore({ dir, maxBytes: 4096, fileMaxBytes: 1024 }, quiet);
    for (let index = 60; index < 120; index++) second.append("n", [call(index)]);
    await second.close();
    const files = await listCaptureFiles(dir);
    expect(files.reduce((sum, file) => sum + file.bytes, 0)).toBeLessThanOrEqual(4096);
    const ids = (await readAll(dir)).map((record) => record.id);
    expect(ids.at(-1)).toBe("call-119");
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, index) => `call-${120 - ids.length + index}`));
  });

  it("skips a torn last line (a crash or a full disk mid-write) and reads every complete record", async () => {
    const dir = await tempDir();
    const store = await openCaptureStore({ dir, maxBytes: 1 << 20, fileMaxBytes: 1 << 16 }, quiet);
    store.append("n", [call(0), call(1), call(2)]);
    await store.close();
    const [file] = await listCaptureFiles(dir);
    await appendFile(file?.path ?? "", JSON.stringify({ ...call(3), node: "n" }).slice(0, 40));
    expect((await readAll(dir)).map((record) => record.id)).toEqual(["call-0", "call-1", "call-2"]);
  });

  it("filters by tool and by time (at or after since)", async () => {
    const dir = await tempDir();
    const store = await openCaptureStore({ dir, maxBytes: 1 << 20, fileMaxBytes: 1 << 16 }, quiet);
    store.append("n", [call(0, "echo", 100), call(1, "sum", 200), call(2, "echo", 300), call(3, "sum", 400)]);
    await store.close();
    const ids = async (query: object) => (await readAll(dir, query)).map((record) => record.id);
    expect(await ids({ tool: "sum" })).toEqual(["call-1", "call-3"]);
    expect(await ids({ since: 300 })).toEqual(["call-2", "call-3"]);
    expect(await ids({ tool: "echo", since: 200 })).toEqual(["call-2"]);
  });

  it("drops and counts records when the disk fails, logs it once, and resumes when writes succeed again", async () => {
    const dir = await tempDir();
    const { logger, lines } = logCapture();
    const store = await openCaptureStore({ dir, maxBytes: 1 << 20, fileMaxBytes: 1024 }, logger);
    store.append("n", [call(0)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await rm(dir, { recursive: true }); // every write and new file fails from here on
    for (let index = 1; index <= 40; index++) {
      store.append("n", [call(index)]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.stats.dropped).toBeGreaterThan(0);
    await mkdir(dir, { mode: 0o700 });
    store.append("n", [call(41)]);
    await store.close();
    logger.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const failures = lines.filter((line) => String(line.msg).includes("write failed"));
    expect(failures).toHaveLength(1);
    expect(lines.some((line) => String(line.msg).includes("writing again"))).toBe(true);
    expect((await readAll(dir)).map((record) => record.id)).toEqual(["call-41"]);
    expect(store.stats.records + store.stats.dropped).toBe(42);
  });

  it("drops records larger than a file and rejects invalid options naming the option", async () => {
    const dir = await tempDir();
    const store = await openCaptureStore({ dir, maxBytes: 4096, fileMaxBytes: 512 }, quiet);
    store.append("n", [{ ...call(0), arguments: { text: "x".repeat(1000) } }, call(1)]);
    await store.close();
    expect(store.stats).toMatchObject({ records: 1, dropped: 1 });
    await expect(openCaptureStore({ dir, maxBytes: 100, fileMaxBytes: 200 }, quiet)).rejects.toThrow(
      '"fileMaxBytes" option must not exceed "maxBytes"',
    );
    await expect(openCaptureStore({ dir, maxBytes: 0, fileMaxBytes: 200 }, quiet)).rejects.toThrow(
      '"maxBytes" option must be a positive integer',
    );
  });
});
