/**
 * verifyAuditFiles against tampering: one real log of 10,000 events, then one edited copy per case.
 * Each case asserts the FIRST bad line the verifier names and why.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog, formatVerifyResult, listAuditFiles, verifyAuditFiles } from "../src/audit/index.js";
import {
  appendConcurrently,
  forgeCheckpoint,
  type Json,
  otherKey,
  parse,
  readLines,
  removeTempDirs,
  seal,
  tempDir,
  writeLines,
} from "./support/audit-files.js";

let dir: string;
let original: string[];
let trustedKeyId: string;
let caseNumber = 0;

beforeAll(async () => {
  dir = await tempDir();
  const log = await AuditLog.open({ dir });
  await appendConcurrently(log, 10_000);
  await log.close();
  const files = await listAuditFiles(dir);
  expect(files).toHaveLength(1);
  original = await readLines(files[0] as string);
  trustedKeyId = parse(original[0]).keyId as string;
});
afterAll(removeTempDirs);

/** Writes an edited copy beside the original (so audit-key.pub is found) and verifies it alone. */
async function verifyEdited(edit: (lines: string[]) => void) {
  const lines = [...original];
  edit(lines);
  const file = join(dir, `tampered-${++caseNumber}.jsonl`);
  await writeLines(file, lines);
  return { file, result: await verifyAuditFiles([file]) };
}

const EVENT_LINE = 5_001; // 1-based, an event in the middle of the file
const at = (lineNo: number) => lineNo - 1;

function checkpointLines(): number[] {
  return original.flatMap((line, index) => (parse(line).type === "checkpoint" ? [index + 1] : []));
}

describe("verifyAuditFiles on an untouched log", () => {
  it("passes and counts every record (segment, events and checkpoints)", async () => {
    expect(await verifyAuditFiles(await listAuditFiles(dir))).toEqual({ ok: true, records: original.length });
    expect(original.length).toBe(1 + 10_000 + 11);
  });
});

describe("verifyAuditFiles names the first bad line", () => {
  it("an edited field (valid JSON): the edited line, hash mismatch", async () => {
    expect(parse(original[at(EVENT_LINE)]).type).toBe("tool_call");
    const { file, result } = await verifyEdited((lines) => {
      lines[at(EVENT_LINE)] = (lines[at(EVENT_LINE)] as string).replace(
        /"outcome":"ok"/,
        '"outcome":"error"',
      );
    });
    expect(result).toEqual({
      ok: false,
      file,
      line: EVENT_LINE,
      reason: "hash mismatch: the line was modified",
    });
    expect(formatVerifyResult(result)).toBe(`${file}:${EVENT_LINE}: hash mismatch: the line was modified`);
  });

  it("a deleted line: the line that now takes its place, seq gap", async () => {
    const { result } = await verifyEdited((lines) => lines.splice(at(EVENT_LINE), 1));
    expect(result).toMatchObject({
      ok: false,
      line: EVENT_LINE,
      reason: expect.stringMatching(/^seq \d+ where \d+ was expected/),
    });
  });

  it("an inserted copy of another line: the inserted line", async () => {
    const { result } = await verifyEdited((lines) => lines.splice(at(EVENT_LINE), 0, original[99] as string));
    expect(result).toMatchObject({ ok: false, line: EVENT_LINE, reason: expect.stringMatching(/^seq /) });
  });

  it("an inserted forged record with a correct prev and hash: the genuine line after it, whose prev no longer matches", async () => {
    const previous = parse(original[at(EVENT_LINE - 1)]);
    const forged = seal({
      seq: (previous.seq as number) + 1,
      ts: new Date().toISOString(),
      prev: previous.hash,
      type: "admin_action",
      actor: "mallory",
      action: "nothing to see",
    });
    const { result } = await verifyEdited((lines) => lines.splice(at(EVENT_LINE), 0, forged));
    // The forged line is internally consistent; the chain breaks at the next genuine record.
    expect(result).toMatchObject({ ok: false, line: EVENT_LINE + 1 });
  });

  it("two adjacent lines swapped: the first of the two", async () => {
    const { result } = await verifyEdited((lines) => {
      const [a, b] = [lines[at(EVENT_LINE)] as string, lines[at(EVENT_LINE + 1)] as string];
      lines[at(EVENT_LINE)] = b;
      lines[at(EVENT_LINE + 1)] = a;
    });
    expect(result).toMatchObject({ ok: false, line: EVENT_LINE, reason: expect.stringMatching(/^seq /) });
  });

  it("the final checkpoint deleted: the first record after the last remaining checkpoint, unsealed", async () => {
    const checkpoints = checkpointLines();
    expect(checkpoints.at(-1)).toBe(original.length);
    const lastRemaining = checkpoints.at(-2) as number;
    const { result } = await verifyEdited((lines) => lines.pop());
    expect(result).toMatchObject({
      ok: false,
      line: lastRemaining + 1,
      reason: expect.stringContaining("not sealed by a checkpoint"),
    });
  });

  it("the file truncated in the middle: the first record after the last checkpoint it still has", async () => {
    const lastRemaining = checkpointLines()
      .filter((line) => line < EVENT_LINE)
      .at(-1) as number;
    const { result } = await verifyEdited((lines) => lines.splice(at(EVENT_LINE)));
    expect(result).toMatchObject({
      ok: false,
      line: lastRemaining + 1,
      reason: expect.stringContaining("not sealed"),
    });
  });

  it("a final checkpoint forged with another key: that checkpoint, untrusted keyId", async () => {
    const mallory = otherKey();
    const { result } = await verifyEdited((lines) => {
      lines[lines.length - 1] = forgeCheckpoint(lines.at(-2), mallory.privateKey, mallory.keyId);
    });
    expect(result).toMatchObject({
      ok: false,
      line: original.length,
      reason: expect.stringContaining(`not the trusted key ${trustedKeyId}`),
    });
  });

  it("a checkpoint forged with another key but claiming the trusted keyId: that checkpoint, bad signature", async () => {
    const mallory = otherKey();
    const { result } = await verifyEdited((lines) => {
      lines[lines.length - 1] = forgeCheckpoint(lines.at(-2), mallory.privateKey, trustedKeyId);
    });
    expect(result).toMatchObject({
      ok: false,
      line: original.length,
      reason: "checkpoint signature does not verify",
    });
  });

  it("a checkpoint's sig altered: that checkpoint (hash mismatch; with the hash recomputed, bad signature)", async () => {
    const checkpoint = checkpointLines()[4] as number;
    const tamperedSig = (line: string): Json => {
      const fields = parse(line);
      const sig = Buffer.from(fields.sig as string, "base64");
      sig[0] = (sig[0] as number) ^ 1; // flip one bit
      return { ...fields, sig: sig.toString("base64") };
    };
    const stale = await verifyEdited((lines) => {
      lines[at(checkpoint)] = JSON.stringify(tamperedSig(lines[at(checkpoint)] as string));
    });
    expect(stale.result).toMatchObject({
      ok: false,
      line: checkpoint,
      reason: "hash mismatch: the line was modified",
    });
    const resealed = await verifyEdited((lines) => {
      const { hash: _drop, ...fields } = tamperedSig(lines[at(checkpoint)] as string);
      lines[at(checkpoint)] = seal(fields);
    });
    expect(resealed.result).toMatchObject({
      ok: false,
      line: checkpoint,
      reason: "checkpoint signature does not verify",
    });
  });

  it("a file that does not start with a segment record: line 1", async () => {
    const { result } = await verifyEdited((lines) => lines.shift());
    expect(result).toMatchObject({ ok: false, line: 1, reason: "file does not start with a segment record" });
  });

  it("invalid JSON: that line", async () => {
    const { result } = await verifyEdited((lines) => {
      lines[at(7)] = (lines[at(7)] as string).slice(0, 40);
    });
    expect(result).toMatchObject({ ok: false, line: 7, reason: "invalid JSON" });
  });

  it("a blank line: that line", async () => {
    const { result } = await verifyEdited((lines) => lines.splice(at(10), 0, ""));
    expect(result).toMatchObject({ ok: false, line: 10, reason: "blank line" });
  });

  it("a partial last line (no newline): that line", async () => {
    const file = join(dir, `tampered-${++caseNumber}.jsonl`);
    await writeFile(file, `${original.join("\n")}\n{"seq":`);
    expect(await verifyAuditFiles([file])).toMatchObject({
      ok: false,
      line: original.length + 1,
      reason: expect.stringContaining("incomplete last line"),
    });
  });

  it("a seq-1 segment whose prev is not the genesis: line 1", async () => {
    const { hash: _drop, ...segment } = parse(original[0]);
    const { result } = await verifyEdited((lines) => {
      lines[0] = seal({ ...segment, prev: "1".repeat(64) });
    });
    expect(result).toMatchObject({ ok: false, line: 1, reason: "seq 1 must have the genesis prev" });
  });
});

describe("verifyAuditFiles keys and anchoring", () => {
  it("fails clearly when no public key is given and none lies beside the files", async () => {
    const elsewhere = await tempDir();
    const file = join(elsewhere, "audit.jsonl");
    await writeLines(file, original);
    const result = await verifyAuditFiles([file]);
    expect(result).toMatchObject({ ok: false, line: 0, reason: expect.stringContaining("no public key") });
  });

  it("uses publicKeyPem when given, and rejects every checkpoint under another key", async () => {
    const elsewhere = await tempDir();
    const file = join(elsewhere, "audit.jsonl");
    await writeLines(file, original);
    const publicKeyPem = await readFile(join(dir, "audit-key.pub"), "utf8");
    expect(await verifyAuditFiles([file], { publicKeyPem })).toMatchObject({ ok: true });
    const { generateKeyPairSync } = await import("node:crypto");
    const otherPem = generateKeyPairSync("ed25519")
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    const result = await verifyAuditFiles([file], { publicKeyPem: otherPem });
    const firstCheckpoint = checkpointLines()[0];
    expect(result).toMatchObject({
      ok: false,
      line: firstCheckpoint,
      reason: expect.stringContaining("not the trusted key"),
    });
  });

  it("accepts a later file alone, anchored at its segment's prev, as when earlier files are archived", async () => {
    const rotated = await tempDir();
    const log = await AuditLog.open({ dir: rotated, maxBytes: 4 * 1024 });
    for (let index = 0; index < 200; index++)
      log.append({ type: "admin_action", actor: "ops", action: `a${index}` });
    await log.close();
    const files = await listAuditFiles(rotated);
    expect(files.length).toBeGreaterThan(2);
    expect(await verifyAuditFiles(files.slice(1))).toMatchObject({ ok: true });
    // but not out of order
    expect(await verifyAuditFiles([files[1] as string, files[0] as string])).toMatchObject({
      ok: false,
      file: files[0],
      line: 1,
    });
  });
});
