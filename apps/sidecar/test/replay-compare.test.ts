/** The verdicts (identical, same-shape, different, error), the first differing path, and --since parsing. */
import { describe, expect, it } from "vitest";
import type { CaptureRecord } from "../src/capture/index.js";
import { compareCall, parseSince } from "../src/replay/index.js";

function captured(result: Record<string, unknown> | undefined, errorCode?: number): CaptureRecord {
  return {
    id: "c1",
    ts: 0,
    tool: "t",
    era: "legacy",
    node: "n",
    arguments: {},
    durationMs: 1,
    ...(result === undefined ? {} : { result }),
    ...(errorCode === undefined ? {} : { errorCode }),
  };
}

const text = (value: string) => ({ content: [{ type: "text", text: value }] });
const result = (value: Record<string, unknown>) => ({ kind: "result" as const, result: value });

describe("compareCall", () => {
  it("identical: deep-equal ignoring key order, _meta at any depth, and isError: false", () => {
    const before = {
      content: [{ type: "text", text: "x", _meta: { a: 1 } }],
      structuredContent: { a: 1, b: [1, 2] },
    };
    const after = {
      structuredContent: { b: [1, 2], a: 1 },
      isError: false,
      content: [{ text: "x", type: "text" }],
      _meta: { t: 2 },
    };
    expect(compareCall(captured(before), result(after))).toEqual({ verdict: "identical" });
  });

  it("same-shape: only non-discriminator leaf values differ; reports the first differing path", () => {
    expect(compareCall(captured(text("15")), result(text("16")))).toEqual({
      verdict: "same-shape",
      path: "$.content[0].text",
      before: '"15"',
      after: '"16"',
    });
    expect(
      compareCall(
        captured({ structuredContent: { "a-b": 1, z: true } }),
        result({ structuredContent: { "a-b": 2, z: false } }),
      ),
    ).toMatchObject({ verdict: "same-shape", path: '$.structuredContent["a-b"]' });
  });

  it("different: a key, type, length or discriminator changed, or isError flipped", () => {
    expect(
      compareCall(
        captured(text("a")),
        result({
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        }),
      ),
    ).toMatchObject({ verdict: "different", path: "$.content.length", before: "1", after: "2" });
    expect(
      compareCall(captured(text("a")), result({ content: [{ type: "image", text: "a" }] })),
    ).toMatchObject({
      verdict: "different",
      path: "$.content[0].type",
    });
    expect(compareCall(captured(text("a")), result({ ...text("a"), isError: true }))).toMatchObject({
      verdict: "different",
      path: "$.isError",
      before: "(absent)",
      after: "true",
    });
    expect(
      compareCall(captured({ structuredContent: { n: 1 } }), result({ structuredContent: { n: "1" } })),
    ).toMatchObject({
      verdict: "different",
      path: "$.structuredContent.n",
    });
    expect(
      compareCall(captured({ structuredContent: { n: 1 } }), result({ structuredContent: { n: 1, m: 2 } })),
    ).toMatchObject({
      verdict: "different",
      path: "$.structuredContent.m",
      before: "(absent)",
      after: "2",
    });
  });

  it("error: a transport failure, timeout or JSON-RPC error where a result was captured", () => {
    expect(compareCall(captured(text("a")), { kind: "failure", message: "timed out after 5 ms" })).toEqual({
      verdict: "error",
      path: "transport",
      after: "timed out after 5 ms",
    });
    expect(
      compareCall(captured(text("a")), { kind: "rpc-error", code: -32603, message: "Internal" }),
    ).toMatchObject({
      verdict: "error",
      after: "-32603 Internal",
    });
  });

  it("a captured JSON-RPC error: identical on the same code, different on another code or a result", () => {
    const failed = captured(undefined, -32602);
    expect(compareCall(failed, { kind: "rpc-error", code: -32602, message: "other words" })).toEqual({
      verdict: "identical",
    });
    expect(compareCall(failed, { kind: "rpc-error", code: -32603, message: "x" })).toMatchObject({
      verdict: "different",
      path: "error.code",
    });
    expect(compareCall(failed, result(text("a")))).toMatchObject({ verdict: "different" });
    expect(compareCall(failed, { kind: "failure", message: "ECONNREFUSED" })).toMatchObject({
      verdict: "error",
    });
  });

  it("a captured [redacted] value matches whatever the replay has there", () => {
    expect(
      compareCall(
        captured({ structuredContent: { email: "[redacted]" } }),
        result({ structuredContent: { email: "a@b.c" } }),
      ),
    ).toEqual({ verdict: "identical" });
  });

  it("truncates long values in the diff", () => {
    const diff = compareCall(captured(text("a".repeat(500))), result(text("b".repeat(500))));
    expect(diff.before?.length).toBeLessThanOrEqual(60);
    expect(diff.before?.endsWith("…")).toBe(true);
  });
});

describe("parseSince", () => {
  const now = Date.parse("2026-12-07T12:00:00Z");
  it("accepts durations back from now and ISO dates or date-times", () => {
    expect(parseSince("15m", now)).toBe(now - 15 * 60_000);
    expect(parseSince("2h", now)).toBe(now - 2 * 3_600_000);
    expect(parseSince("7d", now)).toBe(now - 7 * 86_400_000);
    expect(parseSince("90s", now)).toBe(now - 90_000);
    expect(parseSince("2026-12-01T10:00:00Z", now)).toBe(Date.parse("2026-12-01T10:00:00Z"));
    expect(parseSince("2026-12-01", now)).toBe(Date.parse("2026-12-01"));
  });
  it("rejects anything else", () => {
    for (const text of ["", "yesterday", "15", "2w", "-1h", "2026-13-45"])
      expect(parseSince(text, now)).toBeUndefined();
  });
});
