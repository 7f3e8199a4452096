/**
 * @module Fuzzing `audit verify`: a real audit log, then random byte- and line-level mutations
 * (flip, delete, duplicate, swap, truncate, garbage, invalid UTF-8). The verifier never throws, says
 * ok only for the untouched bytes, and otherwise names a line of the file.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog, listAuditFiles, verifyAuditFiles } from "../src/audit/index.js";
import { appendConcurrently, removeTempDirs, tempDir } from "./support/audit-files.js";

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const FUZZ_TIMEOUT_MS = FUZZ_RUNS > 200 ? 1_800_000 : 30_000;
console.info(`fuzz: ${FUZZ_RUNS} runs per property, seed ${FUZZ_SEED} (replay with FUZZ_SEED=${FUZZ_SEED})`);

let dir: string;
let original: Buffer;

beforeAll(async () => {
  dir = await tempDir();
  // Small checkpoint interval: several checkpoints, so mutations hit every kind of record.
  const log = await AuditLog.open({ dir, checkpointEvery: 10 });
  await appendConcurrently(log, 40);
  await log.close();
  const files = await listAuditFiles(dir);
  expect(files).toHaveLength(1);
  original = await readFile(files[0] as string);
  expect(await verifyAuditFiles([files[0] as string])).toMatchObject({ ok: true });
});
afterAll(removeTempDirs);

type Edit =
  | { kind: "flip"; at: number; mask: number }
  | { kind: "bytes"; at: number; bytes: Uint8Array }
  | { kind: "truncate"; at: number }
  | { kind: "deleteLine" | "duplicateLine"; line: number }
  | { kind: "swapLines"; line: number; other: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({
    kind: fc.constant("bytes" as const),
    at: fc.nat(),
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 8 }),
      fc.constantFrom(
        Uint8Array.of(0xff),
        Uint8Array.of(0xc0, 0xaf),
        Uint8Array.of(0xed, 0xa0, 0x80),
        Uint8Array.of(0x0a),
      ),
      fc.string({ minLength: 1, maxLength: 20 }).map((s) => new TextEncoder().encode(s)),
    ),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constantFrom("deleteLine" as const, "duplicateLine" as const), line: fc.nat() }),
  fc.record({ kind: fc.constant("swapLines" as const), line: fc.nat(), other: fc.nat() }),
);

function apply(input: Buffer, e: Edit): Buffer {
  if (e.kind === "flip" || e.kind === "bytes" || e.kind === "truncate") {
    if (input.length === 0) return input;
    const at = e.at % input.length;
    if (e.kind === "truncate") return input.subarray(0, at);
    if (e.kind === "bytes") return Buffer.concat([input.subarray(0, at), e.bytes, input.subarray(at)]);
    const out = Buffer.from(input);
    out[at] = (out[at] ?? 0) ^ e.mask;
    return out;
  }
  const lines = input.toString("latin1").split("\n");
  if (lines.length === 0) return input;
  const i = e.line % lines.length;
  if (e.kind === "deleteLine") lines.splice(i, 1);
  else if (e.kind === "duplicateLine") lines.splice(i, 0, lines[i] ?? "");
  else if (e.kind === "swapLines") {
    const j = e.other % lines.length;
    [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
  }
  return Buffer.from(lines.join("\n"), "latin1");
}

describe("fuzz: audit verify on mutated files", () => {
  it(
    "fuzz: never throws, ok only for the original bytes, otherwise names a line",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
          const mutated = edits.reduce(apply, original);
          // Beside the original, so the verifier finds audit-key.pub; one file, rewritten each run.
          const file = join(dir, "fuzz.jsonl");
          await writeFile(file, mutated);
          const result = await verifyAuditFiles([file]);
          if (mutated.equals(original)) {
            expect(result.ok).toBe(true);
            return;
          }
          expect(result.ok, `accepted a mutated file: ${JSON.stringify(edits)}`).toBe(false);
          if (result.ok) return;
          const lineCount = mutated.toString("latin1").split("\n").length;
          expect(result.file).toBe(file);
          expect(result.line).toBeGreaterThanOrEqual(1);
          expect(result.line).toBeLessThanOrEqual(lineCount);
          expect(result.reason.length).toBeGreaterThan(0);
        }),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
