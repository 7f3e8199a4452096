/**
 * @module Helpers for the audit tests: per-test temp directories, reading and rewriting audit files
 * line by line, a load generator, and a record forger that seals lines the way the format says
 * (written independently of src/audit, so the tests also pin the format).
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditLog } from "../../src/audit/index.js";

const created: string[] = [];

/** A fresh directory under the OS temp dir; `removeTempDirs` (afterEach/afterAll) deletes them all. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-audit-test-"));
  created.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** The file's lines without the final newline's empty tail. */
export async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8");
  return text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
}

export async function writeLines(file: string, lines: readonly string[]): Promise<void> {
  await writeFile(file, `${lines.join("\n")}\n`);
}

export type Json = Record<string, unknown>;

export function parse(line: string | undefined): Json {
  if (line === undefined) throw new Error("no such line");
  return JSON.parse(line) as Json;
}

/** Seals a record as the format specifies: sha256 of the JSON text without hash, spliced in before `}`. */
export function seal(fields: Json): string {
  const text = JSON.stringify(fields);
  const hash = createHash("sha256").update(text, "utf8").digest("hex");
  return `${text.slice(0, -1)},"hash":"${hash}"}`;
}

export function hashOf(line: string | undefined): string {
  return parse(line).hash as string;
}

/** A checkpoint that follows `previous`, signed with `privateKey` and naming `keyId`. */
export function forgeCheckpoint(previous: string | undefined, privateKey: KeyObject, keyId: string): string {
  const before = parse(previous);
  const seq = (before.seq as number) + 1;
  const prev = before.hash as string;
  const sig = sign(null, Buffer.from(`mcp-audit-checkpoint\n${seq}\n${prev}`), privateKey).toString("base64");
  return seal({ seq, ts: new Date().toISOString(), prev, type: "checkpoint", reason: "close", keyId, sig });
}

export function otherKey(): { privateKey: KeyObject; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const der = publicKey.export({ type: "spki", format: "der" });
  return { privateKey, keyId: createHash("sha256").update(der).digest("hex").slice(0, 16) };
}

export function toolCall(index: number): {
  type: "tool_call";
  ts: number;
  tool: string;
  [k: string]: unknown;
} {
  return {
    type: "tool_call",
    ts: 1_700_000_000_000 + index,
    tool: `tool-${index % 7}`,
    era: "modern",
    outcome: "ok",
    durationMs: index % 50,
    index,
  };
}

/**
 * Load as the sidecar sees it: `runtimes` nodes each send `total / runtimes` events in batches of
 * `batchSize`, all at once; each batch is appended then flushed (the ack point), as the hub does.
 */
export async function appendConcurrently(
  log: AuditLog,
  total: number,
  runtimes = 10,
  batchSize = 100,
): Promise<void> {
  const perRuntime = total / runtimes;
  await Promise.all(
    Array.from({ length: runtimes }, async (_, runtime) => {
      const node = `node-${runtime}`;
      for (let batch = 0; batch * batchSize < perRuntime; batch++) {
        for (let item = 0; item < batchSize; item++) {
          const index = runtime * perRuntime + batch * batchSize + item;
          log.append(toolCall(index), { node, seq: batch + 1 });
        }
        await log.flush();
        // Let the other runtimes interleave their batches, as separate connections would.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }),
  );
}
