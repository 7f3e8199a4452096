import { describe, expect, it } from "vitest";
import { createIdHasher, formatTraceparent, hashId, parseTraceparent, setHashSalt } from "../src/index.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

describe("parseTraceparent", () => {
  it("parses a version-00 header into trace id, parent id and flags", () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`)).toEqual({ traceId: TRACE, parentId: SPAN, flags: 1 });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.flags).toBe(0);
  });

  it("keeps a tracestate string alongside", () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`, "congo=t61rcWkgMzE")?.tracestate).toBe(
      "congo=t61rcWkgMzE",
    );
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`, 42)?.tracestate).toBeUndefined();
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`, "x".repeat(513))?.tracestate).toBeUndefined();
  });

  it.each([
    ["not a string", 42],
    ["undefined", undefined],
    ["empty", ""],
    ["all-zero trace id", `00-${"0".repeat(32)}-${SPAN}-01`],
    ["all-zero parent id", `00-${TRACE}-${"0".repeat(16)}-01`],
    ["version ff", `ff-${TRACE}-${SPAN}-01`],
    ["uppercase hex", `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ["uppercase version", `0A-${TRACE}-${SPAN}-01`],
    ["short trace id", `00-${TRACE.slice(1)}-${SPAN}-01`],
    ["long parent id", `00-${TRACE}-${SPAN}0-01`],
    ["one-char flags", `00-${TRACE}-${SPAN}-1`],
    ["version 00 with trailing data", `00-${TRACE}-${SPAN}-01-extra`],
    ["wrong separator", `00_${TRACE}-${SPAN}-01`],
    ["non-hex character", `00-${TRACE.slice(0, 31)}g-${SPAN}-01`],
    ["future version glued trailing data", `cc-${TRACE}-${SPAN}-01x`],
  ])("rejects %s", (_label, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it("accepts a future version when its first four fields parse", () => {
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01`)).toMatchObject({ traceId: TRACE, parentId: SPAN });
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01-what-the-future-holds`)).toMatchObject({
      traceId: TRACE,
    });
  });

  it("ignores surrounding whitespace as HTTP header parsing would", () => {
    expect(parseTraceparent(` 00-${TRACE}-${SPAN}-01\t`)?.traceId).toBe(TRACE);
  });

  it("round-trips through formatTraceparent", () => {
    const header = formatTraceparent(TRACE, SPAN, 1);
    expect(header).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(parseTraceparent(header)).toEqual({ traceId: TRACE, parentId: SPAN, flags: 1 });
    expect(formatTraceparent(TRACE, SPAN, 0)).toBe(`00-${TRACE}-${SPAN}-00`);
  });
});

describe("hashId", () => {
  it("is 16 hex chars of sha256 and stable", () => {
    // sha256("alice") = 2bd806c97f0e00af...
    expect(hashId("alice")).toBe("2bd806c97f0e00af");
    expect(hashId("alice")).toBe(hashId("alice"));
    expect(hashId("bob")).not.toBe(hashId("alice"));
  });

  it("changes with the salt and is stable under the same salt", () => {
    const unsalted = hashId("alice");
    setHashSalt("s3cret");
    try {
      const salted = hashId("alice");
      expect(salted).toMatch(/^[0-9a-f]{16}$/);
      expect(salted).not.toBe(unsalted);
      expect(hashId("alice")).toBe(salted);
      expect(createIdHasher({ salt: "s3cret" })("alice")).toBe(salted);
      expect(createIdHasher({ salt: "other" })("alice")).not.toBe(salted);
    } finally {
      setHashSalt(undefined);
    }
    expect(hashId("alice")).toBe(unsalted);
  });

  it("gives the same ids past the cache bound (cache is cleared, not wrong)", () => {
    const hasher = createIdHasher({ cacheSize: 4 });
    const first = Array.from({ length: 10 }, (_, i) => hasher(`subject-${i}`));
    const second = Array.from({ length: 10 }, (_, i) => hasher(`subject-${i}`));
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(10);
    expect(hasher("x".repeat(10_000))).toBe(createIdHasher({ cacheSize: 0 })("x".repeat(10_000)));
  });

  it("names the bad option", () => {
    expect(() => createIdHasher({ cacheSize: -1 })).toThrow(/"cacheSize"/);
  });
});
