import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CacheError, generateKey, loadKeyring, MemoryCache } from "../src/index.js";

function keyError(run: () => unknown): CacheError {
  try {
    run();
  } catch (error) {
    if (error instanceof CacheError) return error;
    throw error;
  }
  throw new Error("expected a CacheError");
}

describe("loadKeyring", () => {
  it("reads MCP_CACHE_KEYS with the first entry as current", () => {
    const a = generateKey();
    const b = randomBytes(32).toString("base64url");
    const ring = loadKeyring({ env: ` new:${a} , old:${b} ` });
    expect(ring.current.id).toBe("new");
    expect(ring.current.key.equals(Buffer.from(a, "base64"))).toBe(true);
    expect([...ring.keys.keys()]).toEqual(["new", "old"]);
    expect(ring.keys.get("old")?.length).toBe(32);
  });

  it("reads a key file with comments and blank lines", () => {
    const a = generateKey();
    const b = generateKey();
    const ring = loadKeyring({ fileText: `# rotated 2025-01\n\nk2:${a}  # current\r\nk1:${b}\n` });
    expect(ring.current.id).toBe("k2");
    expect(ring.keys.size).toBe(2);
  });

  it("refuses a short key with the fix and without printing the key", () => {
    const short = randomBytes(16).toString("base64");
    const error = keyError(() => loadKeyring({ env: `k1:${short}` }));
    expect(error.code).toBe("ERR_CACHE_KEY");
    expect(error.message).toContain("16 bytes");
    expect(error.message).toContain("randomBytes(32)");
    expect(error.message).not.toContain(short);
  });

  it("refuses a bad id, a missing colon, text that is not base64 and a duplicate id", () => {
    const key = generateKey();
    expect(keyError(() => loadKeyring({ env: `bad id!:${key}` })).message).toMatch(/\[A-Za-z0-9_-\]/);
    expect(keyError(() => loadKeyring({ env: `${"x".repeat(33)}:${key}` })).code).toBe("ERR_CACHE_KEY");
    expect(keyError(() => loadKeyring({ env: key })).message).toContain('"id:base64key"');
    expect(keyError(() => loadKeyring({ env: "k1:not*base64" })).message).toContain("not base64");
    expect(keyError(() => loadKeyring({ env: `k1:${key},k1:${generateKey()}` })).message).toContain("twice");
  });

  it("refuses an empty source and two sources at once", () => {
    expect(keyError(() => loadKeyring({ env: "" })).message).toContain("MCP_CACHE_KEYS");
    expect(keyError(() => loadKeyring({})).code).toBe("ERR_CACHE_KEY");
    expect(keyError(() => loadKeyring({ fileText: "# nothing yet\n\n" })).code).toBe("ERR_CACHE_KEY");
    expect(keyError(() => loadKeyring({ env: `k:${generateKey()}`, fileText: "" })).message).toContain(
      "both",
    );
  });

  it("generates distinct 32-byte keys in base64", () => {
    const a = generateKey();
    expect(Buffer.from(a, "base64")).toHaveLength(32);
    expect(a).not.toBe(generateKey());
  });

  it("is checked when handed to a cache in code", () => {
    expect(
      () => new MemoryCache({ encryption: { current: { id: "k", key: Buffer.alloc(16) }, keys: new Map() } }),
    ).toThrow(/"encryption"/);
  });
});
