import { describe, expect, it } from "vitest";
import * as entry from "../src/index.js";

describe("public entry", () => {
  it("exports exactly the documented runtime values", () => {
    expect(Object.keys(entry).sort()).toEqual([
      "MemoryEventStore",
      "MemorySessionStore",
      "createMcpHttpApp",
      "decodeHeaderValue",
      "startHttpServer",
    ]);
  });

  it("decodes the base64 sentinel and leaves plain values alone", () => {
    expect(entry.decodeHeaderValue("=?base64?SGVsbG8sIOS4lueVjA==?=")).toBe("Hello, 世界");
    expect(entry.decodeHeaderValue("plain")).toBe("plain");
    expect(entry.decodeHeaderValue("=?base64?abc?=")).toBeUndefined();
  });
});
