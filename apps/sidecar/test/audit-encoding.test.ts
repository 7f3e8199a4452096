/**
 * The hot path's shortcuts produce exactly what the plain code did: an event's members from one
 * `JSON.stringify` of the event (against the rebuild it replaces, on any JSON a runtime can send),
 * stamping a node without copying the event, sealed lines built as bytes (multi-byte text, lines
 * handed to `onWritten` equal to the file's), and the dashboard ring's views built on first read.
 */
import { readFile } from "node:fs/promises";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  AuditLog,
  encodeEventMembers,
  encodeStampedMembers,
  listAuditFiles,
  verifyAuditFiles,
  type WrittenRecord,
} from "../src/audit/index.js";
import { AuditRing } from "../src/dashboard/audit-ring.js";
import { removeTempDirs, tempDir } from "./support/audit-files.js";

afterEach(removeTempDirs);

const RESERVED = new Set(["seq", "prev", "hash", "src", "eventTs"]);

/** The members as the log has always built them: a null-prototype copy, `"type"` first, `ts` renamed. */
function rebuilt(event: Record<string, unknown>): string {
  const type = event.type;
  if (typeof type !== "string" || type === "" || type === "checkpoint" || type === "segment")
    return "refused";
  const fields: Record<string, unknown> = Object.create(null);
  fields.type = type;
  for (const [key, value] of Object.entries(event)) {
    if (key === "type") continue;
    if (key === "ts") fields.eventTs = value;
    else if (RESERVED.has(key)) return "refused";
    else fields[key] = value;
  }
  return JSON.stringify(fields).slice(1, -1);
}

function members(encode: () => string): string {
  try {
    return encode();
  } catch (error) {
    if (error instanceof TypeError) return "refused";
    throw error;
  }
}

const key = fc.oneof(
  fc.constantFrom(
    "type",
    "ts",
    "tool",
    "node",
    "seq",
    "src",
    "eventTs",
    "hash",
    "__proto__",
    "0",
    "7",
    "toJSON",
  ),
  fc.string({ maxLength: 6 }),
);

/** Wire events: JSON text parsed, as a runtime's frame arrives (any key order, duplicates, odd keys). */
const wireEvent = fc
  .tuple(
    fc.constantFrom("tool_call", "auth_failure", 'q"uote', "\u00e9t\u00e9", "checkpoint"),
    fc.boolean(),
    fc.array(fc.tuple(key, fc.jsonValue({ maxDepth: 2 })), { maxLength: 8 }),
  )
  .map(([type, tsFirst, pairs]) => {
    const rest = pairs.map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`).join("");
    const text = `{"type":${JSON.stringify(type)}${tsFirst ? ',"ts":1765100000000' : ""}${rest}}`;
    return JSON.parse(text) as Record<string, unknown> & { type: string };
  });

describe("event members", () => {
  it("are the rebuilt members for any event a runtime can send, stamped or not", () => {
    fc.assert(
      fc.property(wireEvent, fc.constantFrom("node-1", "n\u00f6de"), (event, node) => {
        expect(members(() => encodeEventMembers(event))).toBe(rebuilt(event));
        expect(members(() => encodeStampedMembers(event, node))).toBe(rebuilt({ ...event, node }));
      }),
      { numRuns: 2_000 },
    );
  });

  it("are the rebuilt members for in-process events with undefined, function, toJSON and inherited fields", () => {
    const events: Record<string, unknown>[] = [
      { type: "a", ts: 1, seq: undefined },
      { type: "a", ts: undefined, x: 1 },
      { type: "a", x: undefined, ts: 2, y: () => 1 },
      { type: "a", ts: 1, toJSON: () => ({}) },
      { type: "a", ts: 1, at: new Date(0) },
      Object.assign(Object.create({ inherited: 1 }) as Record<string, unknown>, { type: "a", ts: 1 }),
    ];
    for (const event of events)
      expect(members(() => encodeEventMembers(event as { type: string }))).toBe(rebuilt(event));
  });
});

describe("sealed lines", () => {
  it("hands onWritten the lines in the file, multi-byte text and batches past the first buffer included", async () => {
    const dir = await tempDir();
    const written: WrittenRecord[] = [];
    const log = await AuditLog.open({ dir, onWritten: (records) => written.push(...records) });
    const source = { node: "n\u00f6de-\u{1f600}", seq: 1 };
    for (let i = 0; i < 3_000; i++) {
      const tool = i % 3 === 0 ? `t\u00e9\u{1f600}${"\u4e2d".repeat(i % 200)}` : `tool-${i}`;
      const event = { type: "tool_call", ts: i, tool, outcome: "ok", durationMs: i / 7 };
      log.appendStamped(event, source);
    }
    await log.close();
    const files = await listAuditFiles(dir);
    const lines = (await Promise.all(files.map((file) => readFile(file, "utf8"))))
      .join("")
      .split("\n")
      .slice(0, -1);
    expect(written.map((record) => record.line)).toEqual(lines);
    expect(await verifyAuditFiles(files)).toEqual({ ok: true, records: lines.length });
    const first = JSON.parse(lines[1] ?? "") as Record<string, unknown>;
    expect(first).toMatchObject({ type: "tool_call", eventTs: 0, node: source.node, src: source });
    expect(Object.keys(first)).toEqual([
      "seq",
      "ts",
      "prev",
      "type",
      "eventTs",
      "tool",
      "outcome",
      "durationMs",
      "node",
      "src",
      "hash",
    ]);
  });
});

describe("AuditRing views", () => {
  it("builds a record's view when first read, as it was built on write", () => {
    const ring = new AuditRing(3);
    const event = {
      type: "tool_call",
      ts: 5,
      tool: "t",
      outcome: "ok",
      subject: "s",
      durationMs: 2,
      extra: 1,
    };
    const ts = "2026-01-01T00:00:00.000Z";
    const record: WrittenRecord = {
      line: "",
      type: "tool_call",
      ts,
      seq: 9,
      event,
      src: { node: "n", seq: 1 },
    };
    ring.pushRecord(record, 1_000, "n");
    ring.push({ seq: 10, ts: 1_001, type: "admin_action", actor: "op" });
    expect(ring.newestSeq).toBe(10);
    expect(ring.query()).toEqual([
      { seq: 10, ts: 1_001, type: "admin_action", actor: "op" },
      {
        seq: 9,
        ts: 1_000,
        type: "tool_call",
        node: "n",
        subject: "s",
        tool: "t",
        outcome: "ok",
        durationMs: 2,
      },
    ]);
    expect(ring.query({ subject: "s" }).map((view) => view.seq)).toEqual([9]);
    expect(ring.query({ afterSeq: 9 }).map((view) => view.seq)).toEqual([10]);
  });
});
