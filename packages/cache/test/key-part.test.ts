import { describe, expect, it } from "vitest";
import { keyPart } from "../src/index.js";

describe("keyPart", () => {
  it("passes short text of the safe alphabet through unchanged", () => {
    expect(keyPart("file:///a/b.txt")).toBe("file:///a/b.txt");
    expect(keyPart("user@example.com")).toBe("user@example.com");
  });

  it("hashes text with a separator, whitespace, non-ASCII, or over 128 characters, and the empty string", () => {
    for (const text of ["a|b", "a b", "ünïcode", "x".repeat(129), "", "#abc"]) {
      const part = keyPart(text);
      expect(part).toMatch(/^#[A-Za-z0-9_-]{43}$/);
      expect(keyPart(text)).toBe(part);
    }
    expect(keyPart("a|b")).not.toBe(keyPart("a|c"));
  });
});
