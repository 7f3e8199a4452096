/**
 * The audit log writer: records and their chain, batching under concurrent load, checkpoints,
 * rotation, restart recovery and the errors it refuses to paper over.
 */
import { generateKeyPairSync } from "node:crypto";
import { appendFile, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AuditError, AuditLog, listAuditFiles, verifyAuditFiles } from "../src/audit/index.js";
import {
  appendConcurrently,
  hashOf,
  parse,
  readLines,
  removeTempDirs,
  tempDir,
  toolCall,
  writeLines,
} from "./support/audit-files.js";

afterEach(removeTempDirs);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function verifyDir(dir: string) {
  return verifyAuditFiles(await listAuditFiles(dir));
}

describe("AuditLog records", () => {
  it("writes 10,000 concurrently appended events, flushed in well under a second, as one verifiable chain", async () => {
    const dir = await tempDir();
    const log = await AuditLog.open({ dir });
    const started = performance.now();
    await appendConcurrently(log, 10_000);
    const elapsed = performance.now() - started;
    await log.close();
    expect(elapsed).toBeLessThan(1_000);

    const files = await listAuditFiles(dir);
    expect(files).toHaveLength(1);
    const records = (await readLines(files[0] as string)).map(parse);
    expect(records.map((record) => record.seq)).toEqual(records.map((_, index) => index + 1));
    const indexes = records.filter((record) => record.type === "tool_call").map((record) => record.index);
    expect(new Set(indexes).size).toBe(10_000);
    // segment + 10,000 events + a checkpoint per 1000 records + the closing one
    expect(records.filter((record) => record.type === "checkpoint").length).toBe(11);
    expect(log.stats).toMatchObject({ events: 10_000, records: records.length, checkpoints: 11, queued: 0 });
    expect(log.stats.bytes).toBe((await stat(files[0] as string)).size);
    expect(await verifyAuditFiles(files)).toEqual({ ok: true, records: records.length });
  });

  it("writes seq, ts, prev, the event fields, src and a hash of the exact text without the hash", async () => {
    const dir = await tempDir();
    const log = await AuditLog.open({ dir });
    log.append(toolCall(1), { node: "runtime-a", seq: 7 });
    await log.close();
    const [segmentLine, eventLine] = await readLines(log.currentFile);
    const event = parse(eventLine);
    expect(event).toMatchObject({
      seq: 2,
      prev: hashOf(segmentLine),
      type: "tool_call",
      tool: "tool-1",
      eventTs: 1_700_000_000_001,
      src: { node: "runtime-a", seq: 7 },
    });
    expect(event.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Object.keys(event).slice(0, 4)).toEqual(["seq", "ts", "prev", "type"]);
    expect(Object.keys(event).at(-1)).toBe("hash");
    const { createHash } = await import("node:crypto");
    const body = `${(eventLine as string).slice(0, -(9 + 64 + 2))}}`;
    expect(createHash("sha256").update(body).digest("hex")).toBe(event.hash);
    expect(parse(segmentLine)).toMatchObject({ seq: 1, prev: "0".repeat(64), type: "segment" });
  });

  it("refuses events that would forge chain fields or log records, and appends after close", async () => {
    const dir = await tempDir();
    const log = await AuditLog.open({ dir });
    expect(() => log.append({ type: "checkpoint" })).toThrow(TypeError);
    expect(() => log.append({ type: "segment" })).toThrow(TypeError);
    expect(() => log.append({ type: "tool_call", seq: 3 })).toThrow(/"seq" is reserved/);
    expect(() => log.append({ type: "tool_call", hash: "x" })).toThrow(/"hash" is reserved/);
    expect(() => log.append({ type: "" })).toThrow(TypeError);
    expect(() => log.append({ type: "x", big: 1n })).toThrow(TypeError);
    expect(() => log.append({ type: "x" }, { node: "", seq: 1 })).toThrow(/node/);
    await log.close();
    expect(() => log.append({ type: "x" })).toThrow(expect.objectContaining({ code: "AUDIT_CLOSED" }));
    expect((await verifyDir(dir)).ok).toBe(true);
  });
});

describe("AuditLog checkpoints", () => {
  it("writes a signed checkpoint every checkpointEvery records and seals the file on close", async () => {
    const dir = await tempDir();
    const log = await AuditLog.open({ dir, checkpointEvery: 10 });
    for (let index = 0; index < 25; index++) log.append(toolCall(index));
    await log.close();
    const records = (await readLines(log.currentFile)).map(parse);
    const checkpoints = records.filter((record) => record.type === "checkpoint");
    expect(checkpoints.map((record) => record.reason)).toEqual(["count", "count", "close"]);
    // the segment counts: 1 + 9 events, then 10 events, then 6 events sealed on close
    expect(checkpoints.map((record) => record.seq)).toEqual([11, 22, 29]);
    expect(records.at(-1)?.type).toBe("checkpoint");
    expect(checkpoints[0]).toMatchObject({
      keyId: expect.stringMatching(/^[0-9a-f]{16}$/),
      sig: expect.any(String),
    });
  });

  it("writes an interval checkpoint only when records arrived since the last one", async () => {
    const dir = await tempDir();
    const log = await AuditLog.open({ dir, checkpointIntervalMs: 40 });
    log.append(toolCall(1));
    await log.flush();
    await sleep(200);
    const records = (await readLines(log.currentFile)).map(parse);
    expect(records.map((record) => record.type)).toEqual(["segment", "tool_call", "checkpoint"]);
    expect(records[2]?.reason).toBe("interval");
    expect((await verifyDir(dir)).ok).toBe(true);
    await log.close();
    // nothing new since the interval checkpoint: close adds no second one
    expect(await readLines(log.currentFile)).toHaveLength(3);
  });
});

describe("AuditLog files and rotation", () => {
  it("names files audit-<first seq>-<UTC time>.jsonl, publishes the public key and keeps the private key 0600", async () => {
    const dir = await tempDir();
    const log = await AuditLog.open({ dir });
    await log.close();
    expect(basename(log.currentFile)).toMatch(/^audit-000000000001-\d{8}T\d{6}Z\.jsonl$/);
    expect((await stat(join(dir, "audit-key.pem"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, "audit-key.pub"), "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it("rotates by size into several files, each opened by a segment and sealed by a checkpoint, that verify together", async () => {
    const dir = await tempDir();
    const log = await AuditLog.open({ dir, maxBytes: 8 * 1024 });
    await appendConcurrently(log, 1_000, 4, 50);
    await log.close();
    const files = await listAuditFiles(dir);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const records = (await readLines(file)).map(parse);
      expect(records[0]?.type).toBe("segment");
      expect(records.at(-1)?.type).toBe("checkpoint");
      // at most one event and one checkpoint past the limit
      expect((await stat(file)).size).toBeLessThan(8 * 1024 + 1_000);
    }
    const names = files.map((file) => basename(file));
    expect([...names].sort()).toEqual(names);
    expect(await verifyAuditFiles(files)).toMatchObject({ ok: true });
    expect(log.stats.files).toBe(files.length);
    // a file missing from the middle breaks the chain at the next file's first line
    const gap = await verifyAuditFiles([files[0] as string, ...files.slice(2)]);
    expect(gap).toMatchObject({ ok: false, file: files[2], line: 1 });
  });

  it("rotates by age once the file's first event is older than maxAgeMs", async () => {
    const dir = await tempDir();
    const log = await AuditLog.open({ dir, maxAgeMs: 50 });
    log.append(toolCall(1));
    await log.flush();
    await sleep(80);
    log.append(toolCall(2));
    await log.close();
    const files = await listAuditFiles(dir);
    expect(files).toHaveLength(2);
    expect(
      (await readLines(files[0] as string)).map((line) => parse(line).reason ?? parse(line).type),
    ).toEqual(["segment", "tool_call", "rotate"]);
    expect((await verifyAuditFiles(files)).ok).toBe(true);
  });
});

describe("AuditLog restart", () => {
  it("continues the chain in a new file after a restart and rebuilds lastSourceSeq per node", async () => {
    const dir = await tempDir();
    const first = await AuditLog.open({ dir });
    first.append(toolCall(1), { node: "a", seq: 4 });
    first.append(toolCall(2), { node: "a", seq: 5 });
    first.append(toolCall(3), { node: "b", seq: 2 });
    expect(first.lastSourceSeq("a")).toBe(5);
    await first.close();

    const second = await AuditLog.open({ dir });
    expect(second.lastSourceSeq("a")).toBe(5);
    expect(second.lastSourceSeq("b")).toBe(2);
    expect(second.lastSourceSeq("unknown")).toBe(0);
    second.append(toolCall(4), { node: "b", seq: 3 });
    await second.close();

    // Twice more with no events: the segment's sources snapshot carries the seqs forward.
    await (await AuditLog.open({ dir })).close();
    const fourth = await AuditLog.open({ dir });
    expect(fourth.lastSourceSeq("a")).toBe(5);
    expect(fourth.lastSourceSeq("b")).toBe(3);
    await fourth.close();

    const files = await listAuditFiles(dir);
    expect(files).toHaveLength(4);
    const firstLines = await readLines(files[0] as string);
    const secondSegment = parse((await readLines(files[1] as string))[0]);
    expect(secondSegment.prev).toBe(hashOf(firstLines.at(-1)));
    expect(secondSegment.seq).toBe((parse(firstLines.at(-1)).seq as number) + 1);
    expect(await verifyAuditFiles(files)).toMatchObject({ ok: true });
  });

  it("refuses to start when the newest file ends in a partial line, with AUDIT_TAIL_CORRUPT naming file and line", async () => {
    const dir = await tempDir();
    const log = await AuditLog.open({ dir });
    log.append(toolCall(1));
    await log.close();
    await appendFile(log.currentFile, '{"seq":4,"ts":"2026-');
    const error = await AuditLog.open({ dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuditError);
    expect(error).toMatchObject({
      code: "AUDIT_TAIL_CORRUPT",
      message: expect.stringContaining(`${log.currentFile}:4:`),
    });
  });

  it("refuses to extend a newest file that does not verify, with AUDIT_CHAIN_BROKEN", async () => {
    const dir = await tempDir();
    const log = await AuditLog.open({ dir });
    log.append(toolCall(1));
    await log.close();
    const lines = await readLines(log.currentFile);
    lines[1] = (lines[1] as string).replace('"tool-1"', '"tool-9"');
    await writeLines(log.currentFile, lines);
    await expect(AuditLog.open({ dir })).rejects.toMatchObject({ code: "AUDIT_CHAIN_BROKEN" });
  });

  it("seals records a crash left after the last checkpoint with a recovery checkpoint before continuing", async () => {
    const dir = await tempDir();
    const log = await AuditLog.open({ dir });
    log.append(toolCall(1));
    log.append(toolCall(2));
    await log.close();
    // what a crash before sealing leaves: the closing checkpoint never written
    const lines = await readLines(log.currentFile);
    await writeLines(log.currentFile, lines.slice(0, -1));
    expect((await verifyDir(dir)).ok).toBe(false);

    await (await AuditLog.open({ dir })).close();
    const sealed = (await readLines(log.currentFile)).map(parse);
    expect(sealed.at(-1)).toMatchObject({ type: "checkpoint", reason: "recovery", adopted: 3 });
    expect(await verifyDir(dir)).toMatchObject({ ok: true });
  });

  it("fails flush with AUDIT_WRITE_FAILED when a write fails, and refuses further appends", async () => {
    const dir = await tempDir();
    const log = await AuditLog.open({ dir, maxBytes: 1_024 });
    await rm(dir, { recursive: true }); // the next rotation cannot create its file
    for (let index = 0; index < 20; index++) log.append(toolCall(index));
    await expect(log.flush()).rejects.toMatchObject({ code: "AUDIT_WRITE_FAILED" });
    expect(() => log.append(toolCall(99))).toThrow(expect.objectContaining({ code: "AUDIT_WRITE_FAILED" }));
    await expect(log.close()).rejects.toMatchObject({ code: "AUDIT_WRITE_FAILED" });
  });

  it("refuses a keyFile that is not Ed25519 (AUDIT_KEY_INVALID) or does not exist (AUDIT_KEY_NOT_FOUND)", async () => {
    const dir = await tempDir();
    const keyFile = join(dir, "ec.pem");
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    await writeFile(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }));
    await expect(AuditLog.open({ dir, keyFile })).rejects.toMatchObject({ code: "AUDIT_KEY_INVALID" });
    await expect(AuditLog.open({ dir, keyFile: join(dir, "missing.pem") })).rejects.toMatchObject({
      code: "AUDIT_KEY_NOT_FOUND",
    });
    expect((await readdir(dir)).filter((name) => name.endsWith(".jsonl"))).toEqual([]);
  });
});
