import { describe, expect, it } from "vitest";
import { type LineEvent, LineReader } from "../src/index.js";

function feed(reader: LineReader, chunks: (string | Buffer)[], end = false): LineEvent[] {
  const events: LineEvent[] = [];
  const emit = (event: LineEvent) => events.push(event);
  for (const chunk of chunks) reader.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk, emit);
  if (end) reader.end(emit);
  return events;
}

const lineOf = (text: string): LineEvent => ({ kind: "line", text });

describe("LineReader", () => {
  it("emits each complete line of a chunk and keeps the remainder", () => {
    const reader = new LineReader(1024);
    expect(feed(reader, ['{"a":1}\n{"b":2}\n{"c"'])).toEqual([lineOf('{"a":1}'), lineOf('{"b":2}')]);
    expect(feed(reader, [":3}\n"])).toEqual([lineOf('{"c":3}')]);
  });

  it("joins a line split across many chunks", () => {
    const reader = new LineReader(1024);
    expect(feed(reader, ["ab", "cd", "", "ef\ngh", "\n"])).toEqual([lineOf("abcdef"), lineOf("gh")]);
  });

  it("keeps multi-byte characters split between chunks intact", () => {
    const bytes = Buffer.from("héllo wörld 🙂\n");
    const reader = new LineReader(1024);
    const chunks = [bytes.subarray(0, 2), bytes.subarray(2, 14), bytes.subarray(14)];
    expect(feed(reader, chunks)).toEqual([lineOf("héllo wörld 🙂")]);
  });

  it("strips a trailing CR (CRLF line endings)", () => {
    const reader = new LineReader(1024);
    expect(feed(reader, ["one\r\ntw", "o\r", "\nthree\n"])).toEqual([
      lineOf("one"),
      lineOf("two"),
      lineOf("three"),
    ]);
  });

  it("skips blank and whitespace-only lines", () => {
    const reader = new LineReader(1024);
    expect(feed(reader, ["\n\n  \n\r\n\t\nx\n\n"])).toEqual([lineOf("x")]);
  });

  it("refuses an oversize line once and resumes at the next line", () => {
    const reader = new LineReader(8);
    expect(feed(reader, ["123456789\nok\n"])).toEqual([
      expect.objectContaining({ kind: "oversize", bytes: 9 }),
      lineOf("ok"),
    ]);
  });

  it("accepts a line of exactly the limit", () => {
    const reader = new LineReader(8);
    expect(feed(reader, ["12345678\n"])).toEqual([lineOf("12345678")]);
  });

  it("refuses an oversize line spanning many chunks with one event", () => {
    const reader = new LineReader(10);
    const events = feed(reader, [
      "1234",
      "5678",
      "9012",
      "x".repeat(100),
      "y".repeat(100),
      "end\nnext",
      "\n",
    ]);
    expect(events).toEqual([expect.objectContaining({ kind: "oversize", bytes: 215 }), lineOf("next")]);
  });

  it("does not buffer an oversize line while skipping it", () => {
    const reader = new LineReader(16);
    for (let i = 0; i < 100; i++) feed(reader, ["z".repeat(1000)]);
    expect(feed(reader, ["\n{}\n"])).toEqual([
      expect.objectContaining({ kind: "oversize", bytes: 100_000 }),
      lineOf("{}"),
    ]);
  });

  it("flushes a final line without a newline at end()", () => {
    const reader = new LineReader(1024);
    expect(feed(reader, ["a\nlast"], true)).toEqual([lineOf("a"), lineOf("last")]);
    expect(feed(reader, [], true)).toEqual([]);
  });

  it("ignores a blank final fragment and reports an oversize one at end()", () => {
    expect(feed(new LineReader(1024), ["a\n   "], true)).toEqual([lineOf("a")]);
    expect(feed(new LineReader(4), ["abcdefgh"], true)).toEqual([
      expect.objectContaining({ kind: "oversize", bytes: 8 }),
    ]);
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => new LineReader(0)).toThrow('"maxLineBytes" option must be a positive integer');
    expect(() => new LineReader(2.5)).toThrow(TypeError);
  });
});
