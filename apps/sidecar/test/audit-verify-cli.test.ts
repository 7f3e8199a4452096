/** runAuditVerify: the `mcp-sidecar audit verify` contract (output text and exit codes 0, 1, 2). */
import { generateKeyPairSync } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog, listAuditFiles, runAuditVerify } from "../src/audit/index.js";
import { readLines, removeTempDirs, tempDir, toolCall, writeLines } from "./support/audit-files.js";

let dir: string;
let files: string[];
let records: number;

beforeAll(async () => {
  dir = await tempDir();
  const log = await AuditLog.open({ dir, maxBytes: 2 * 1024 });
  for (let index = 0; index < 40; index++) log.append(toolCall(index));
  await log.close();
  files = await listAuditFiles(dir);
  records = log.stats.records;
});
afterAll(removeTempDirs);

async function run(argv: string[]) {
  const out = { stdout: "", stderr: "" };
  const code = await runAuditVerify(argv, {
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
  });
  return { code, ...out };
}

describe("runAuditVerify", () => {
  it("prints 'ok: N records' and exits 0 for intact files given one by one or as their directory", async () => {
    expect(files.length).toBeGreaterThan(1);
    expect(await run(files)).toEqual({ code: 0, stdout: `ok: ${records} records\n`, stderr: "" });
    expect(await run([dir])).toEqual({ code: 0, stdout: `ok: ${records} records\n`, stderr: "" });
    expect(await run(["--key", join(dir, "audit-key.pub"), ...files])).toMatchObject({ code: 0 });
  });

  it("prints 'FILE:LINE: reason' and exits 1 for the first bad line", async () => {
    const copy = join(dir, "edited.jsonl");
    const lines = await readLines(files[0] as string);
    lines[2] = (lines[2] as string).replace('"outcome":"ok"', '"outcome":"cancelled"');
    await writeLines(copy, lines);
    expect(await run([copy])).toEqual({
      code: 1,
      stdout: "",
      stderr: `${copy}:3: hash mismatch: the line was modified\n`,
    });
  });

  it("exits 1 when --key names a different key than the one that signed", async () => {
    const otherKey = join(dir, "other.pub");
    await writeFile(
      otherKey,
      generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }),
    );
    const result = await run(["--key", otherKey, ...files]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not the trusted key/);
  });

  it("prints usage with --help (exit 0) and exits 2 on usage errors", async () => {
    expect(await run(["--help"])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("usage: mcp-sidecar audit verify"),
    });
    expect(await run([])).toMatchObject({ code: 2, stderr: expect.stringContaining("no audit files given") });
    expect(await run(["--bogus", "x"])).toMatchObject({ code: 2, stderr: expect.stringContaining("usage:") });
    expect(await run(["--key", join(dir, "missing.pub"), ...files])).toMatchObject({ code: 2 });
    expect(await run([join(dir, "missing.jsonl")])).toMatchObject({ code: 2 });
  });
});
