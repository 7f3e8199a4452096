import { describe, expect, it } from "vitest";
import { generateKey, loadKeyring } from "../src/index.js";
import { open, seal } from "../src/sealed-value.js";

describe("sealed values (AES-256-GCM, e1 format)", () => {
  const k1 = generateKey();
  const k2 = generateKey();
  const ring1 = loadKeyring({ env: `k1:${k1}` });

  it("writes e1.<keyId>.<base64url> with a fresh IV each time and opens to the plaintext", () => {
    const a = seal(ring1, "r|p|s|u", "hello");
    const b = seal(ring1, "r|p|s|u", "hello");
    expect(a).toMatch(/^e1\.k1\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("hello");
    expect(open(ring1, "r|p|s|u", a)).toBe("hello");
  });

  it("opens old values after a rotation that keeps the old key, and seals new ones with the new key", () => {
    const old = seal(ring1, "k", "v1");
    const rotated = loadKeyring({ env: `k2:${k2},k1:${k1}` });
    expect(open(rotated, "k", old)).toBe("v1");
    expect(seal(rotated, "k", "v2")).toMatch(/^e1\.k2\./);
  });

  it("refuses a value under another cache key, a tampered value, an unknown key id and plaintext", () => {
    const sealed = seal(ring1, "key-a", "v");
    expect(open(ring1, "key-b", sealed)).toMatchObject({ code: "ERR_CACHE_DECRYPT" });
    const last = sealed.at(-2) === "A" ? "B" : "A";
    expect(open(ring1, "key-a", `${sealed.slice(0, -2)}${last}${sealed.at(-1)}`)).toMatchObject({
      code: "ERR_CACHE_DECRYPT",
    });
    expect(open(loadKeyring({ env: `k2:${k2}` }), "key-a", sealed)).toMatchObject({
      code: "ERR_CACHE_DECRYPT",
      message: expect.stringContaining('"k1"'),
    });
    expect(open(ring1, "key-a", "plain text")).toMatchObject({ code: "ERR_CACHE_DECRYPT" });
    expect(open(ring1, "key-a", "e1.k1.AAAA")).toMatchObject({ code: "ERR_CACHE_DECRYPT" });
  });
});
