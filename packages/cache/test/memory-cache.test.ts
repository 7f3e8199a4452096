import { describe, expect, it } from "vitest";
import { type CacheError, createCache, generateKey, loadKeyring, MemoryCache } from "../src/index.js";
import { countedCompute, jsonCodec, skippingCodec, textCodec } from "./support/codecs.js";

function clock(start = 1_000_000) {
  const time = { now: start };
  return { time, now: () => time.now };
}

describe("MemoryCache ttl", () => {
  it("serves an entry with its remaining ttl until the injected clock passes it, then misses", async () => {
    const { time, now } = clock();
    const cache = new MemoryCache({ now });
    await cache.set("k", "v", { ttlMs: 1_000 });
    time.now += 999;
    expect(await cache.get("k")).toEqual({ value: "v", ttlMs: 1 });
    time.now += 1;
    expect(await cache.get("k")).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, entries: 0, bytes: 0 });
  });

  it("rejects a ttl that is not a positive integer with a TypeError naming ttlMs", async () => {
    const cache = new MemoryCache();
    await expect(cache.set("k", "v", { ttlMs: 0 })).rejects.toThrow(/"ttlMs"/);
    await expect(cache.getOrCompute("k", { ttlMs: 1.5 }, async () => "x", textCodec)).rejects.toThrow(
      TypeError,
    );
  });
});

describe("MemoryCache bounds", () => {
  it("evicts the least recently used entry when the byte bound is passed, and counts it", async () => {
    // each entry: 20 bytes of value + 1 byte of key = 21; four fit in 100, a fifth does not
    const cache = new MemoryCache({ maxBytes: 100 });
    const value = "x".repeat(20);
    for (const key of ["a", "b", "c", "d"]) await cache.set(key, value, { ttlMs: 60_000 });
    await cache.get("a"); // a becomes the most recent; b is now the oldest
    await cache.set("e", value, { ttlMs: 60_000 });
    expect(await cache.get("b")).toBeUndefined();
    for (const key of ["a", "c", "d", "e"]) expect(await cache.get(key)).toBeDefined();
    expect(cache.stats()).toMatchObject({ evictions: 1, entries: 4, bytes: 84 });
  });

  it("counts bytes in UTF-8, not UTF-16 units", async () => {
    const cache = new MemoryCache();
    await cache.set("k", "é€", { ttlMs: 1_000 });
    expect(cache.stats().bytes).toBe(1 + 2 + 3);
  });

  it("evicts the oldest entry when the entry bound is passed", async () => {
    const cache = new MemoryCache({ maxEntries: 3 });
    for (const key of ["a", "b", "c", "d"]) await cache.set(key, key, { ttlMs: 60_000 });
    expect(await cache.get("a")).toBeUndefined();
    expect(cache.stats()).toMatchObject({ evictions: 1, entries: 3 });
  });

  it("does not count an expired entry dropped to make room as an eviction", async () => {
    const { time, now } = clock();
    const cache = new MemoryCache({ maxEntries: 2, now });
    await cache.set("old", "1", { ttlMs: 10 });
    await cache.set("live", "2", { ttlMs: 60_000 });
    time.now += 20;
    await cache.set("new", "3", { ttlMs: 60_000 });
    expect(cache.stats()).toMatchObject({ evictions: 0, entries: 2 });
    expect(await cache.get("live")).toBeDefined();
  });

  it("does not store a value bigger than maxBytes, and reports ttl 0 for it", async () => {
    const cache = new MemoryCache({ maxBytes: 10 });
    await cache.set("k", "x".repeat(10), { ttlMs: 1_000 });
    expect(await cache.get("k")).toBeUndefined();
    const computed = await cache.getOrCompute("big", { ttlMs: 1_000 }, async () => "y".repeat(50), textCodec);
    expect(computed).toEqual({ value: "y".repeat(50), hit: false, ttlMs: 0 });
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it("names the bad option in its TypeError", () => {
    expect(() => new MemoryCache({ maxBytes: 0 })).toThrow(/"maxBytes"/);
    expect(() => new MemoryCache({ maxEntries: -1 })).toThrow(/"maxEntries"/);
  });
});

describe("MemoryCache groups", () => {
  it("invalidates every live entry of a group and leaves the others", async () => {
    const cache = new MemoryCache();
    await cache.set("a", "1", { ttlMs: 60_000, groups: ["uri:file:///a", "kind:resources"] });
    await cache.set("b", "2", { ttlMs: 60_000, groups: ["uri:file:///a"] });
    await cache.set("c", "3", { ttlMs: 60_000, groups: ["kind:resources"] });
    expect(await cache.invalidate("uri:file:///a")).toBe(2);
    expect(await cache.get("a")).toBeUndefined();
    expect(await cache.get("b")).toBeUndefined();
    expect(await cache.get("c")).toBeDefined();
    expect(await cache.invalidate("uri:file:///a")).toBe(0);
  });

  it("empties the group index as entries are invalidated, deleted, overwritten, expired and evicted", async () => {
    const { time, now } = clock();
    const cache = new MemoryCache({ maxEntries: 2, now });
    await cache.set("a", "1", { ttlMs: 60_000, groups: ["g1", "g2"] });
    await cache.set("b", "2", { ttlMs: 60_000, groups: ["g2"] });
    expect(cache.stats().groups).toBe(2);
    await cache.invalidate("g1"); // drops a: g1 empty, g2 keeps b
    expect(cache.stats().groups).toBe(1);
    await cache.delete("b");
    expect(cache.stats().groups).toBe(0);

    await cache.set("c", "3", { ttlMs: 60_000, groups: ["g3"] });
    await cache.set("c", "3", { ttlMs: 60_000 }); // overwritten without groups
    expect(cache.stats().groups).toBe(0);

    await cache.set("d", "4", { ttlMs: 10, groups: ["g4"] });
    time.now += 20;
    await cache.get("d"); // expired: dropped on access
    expect(cache.stats().groups).toBe(0);

    await cache.set("e", "5", { ttlMs: 60_000, groups: ["g5"] });
    await cache.set("f", "6", { ttlMs: 60_000 });
    await cache.set("g", "7", { ttlMs: 60_000 }); // evicts c, then e (entry bound 2)
    await cache.set("h", "8", { ttlMs: 60_000 });
    expect(await cache.get("e")).toBeUndefined();
    expect(cache.stats()).toMatchObject({ groups: 0, entries: 2 });
  });

  it("does not count an expired member when invalidating", async () => {
    const { time, now } = clock();
    const cache = new MemoryCache({ now });
    await cache.set("a", "1", { ttlMs: 10, groups: ["g"] });
    await cache.set("b", "2", { ttlMs: 60_000, groups: ["g"] });
    time.now += 20;
    expect(await cache.invalidate("g")).toBe(1);
    expect(cache.stats()).toMatchObject({ groups: 0, entries: 0 });
  });
});

describe("MemoryCache namespaces", () => {
  it("keeps keys and groups of two namespaces apart", async () => {
    const cache = new MemoryCache();
    const one = cache.namespace("p1|");
    const two = cache.namespace("p2|");
    await one.set("k", "from one", { ttlMs: 60_000, groups: ["g"] });
    await two.set("k", "from two", { ttlMs: 60_000, groups: ["g"] });
    expect((await one.get("k"))?.value).toBe("from one");
    expect((await two.get("k"))?.value).toBe("from two");
    expect((await cache.get("p1|k"))?.value).toBe("from one");
    expect(await one.invalidate("g")).toBe(1);
    expect(await one.get("k")).toBeUndefined();
    expect((await two.get("k"))?.value).toBe("from two");
    expect(
      (await one.namespace("s1|").getOrCompute("x", { ttlMs: 1_000 }, async () => "v", textCodec)).hit,
    ).toBe(false);
    expect(await cache.get("p1|s1|x")).toMatchObject({ value: "v" });
    expect(one.backend).toBe("memory");
  });
});

describe("MemoryCache getOrCompute", () => {
  it("runs compute once for 100 concurrent misses and gives every caller its value", async () => {
    const cache = new MemoryCache();
    const compute = countedCompute({ n: 42 });
    const results = await Promise.all(
      Array.from({ length: 100 }, () => cache.getOrCompute("k", { ttlMs: 60_000 }, compute.run, jsonCodec)),
    );
    expect(compute.calls).toBe(1);
    // one caller ran compute; the 99 that joined its flight count as hits
    expect(results.filter((result) => !result.hit)).toEqual([
      { value: { n: 42 }, hit: false, ttlMs: 60_000 },
    ]);
    for (const result of results) expect(result).toMatchObject({ value: { n: 42 }, ttlMs: 60_000 });
    const again = await cache.getOrCompute("k", { ttlMs: 60_000 }, compute.run, jsonCodec);
    expect(again).toMatchObject({ value: { n: 42 }, hit: true });
    expect(compute.calls).toBe(1);
  });

  it("hands a compute error to every waiter, stores nothing, and lets the next call try again", async () => {
    const cache = new MemoryCache();
    let calls = 0;
    const failing = async (): Promise<string> => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new Error("upstream down");
    };
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, () => cache.getOrCompute("k", { ttlMs: 60_000 }, failing, textCodec)),
    );
    expect(calls).toBe(1);
    for (const result of settled)
      expect(result).toMatchObject({ status: "rejected", reason: { message: "upstream down" } });
    expect(await cache.get("k")).toBeUndefined();
    expect((await cache.getOrCompute("k", { ttlMs: 60_000 }, async () => "ok", textCodec)).value).toBe("ok");
  });

  it("does not store a value the codec declines to encode", async () => {
    const cache = new MemoryCache();
    expect(await cache.getOrCompute("k", { ttlMs: 1_000 }, async () => "skip", skippingCodec)).toEqual({
      value: "skip",
      hit: false,
      ttlMs: 0,
    });
    expect(await cache.get("k")).toBeUndefined();
  });

  it("treats stored text the codec cannot decode as a miss, drops it and reports ERR_CACHE_DECODE", async () => {
    const errors: CacheError[] = [];
    const cache = new MemoryCache({ onError: (error) => errors.push(error) });
    await cache.set("k", "not json", { ttlMs: 60_000 });
    const computed = await cache.getOrCompute("k", { ttlMs: 60_000 }, async () => ({ n: 1 }), jsonCodec);
    expect(computed).toEqual({ value: { n: 1 }, hit: false, ttlMs: 60_000 });
    expect(errors.map((error) => error.code)).toEqual(["ERR_CACHE_DECODE"]);
    expect((await cache.get("k"))?.value).toBe('{"n":1}');
  });

  it("keeps serving when the onError listener itself throws", async () => {
    const cache = new MemoryCache({
      onError: () => {
        throw new Error("broken logger");
      },
    });
    await cache.set("k", "not json", { ttlMs: 60_000 });
    expect(
      (await cache.getOrCompute("k", { ttlMs: 1_000 }, async () => ({ n: 2 }), jsonCodec)).value,
    ).toEqual({
      n: 2,
    });
  });
});

describe("MemoryCache encryption", () => {
  const k1 = generateKey();

  it("accounts the encrypted size and still returns the plaintext", async () => {
    const cache = new MemoryCache({ encryption: loadKeyring({ env: `k1:${k1}` }) });
    await cache.set("k", "secret", { ttlMs: 60_000 });
    expect((await cache.get("k"))?.value).toBe("secret");
    // "e1.k1." + base64url(12 iv + 16 tag + 6 bytes) = 6 + 46, plus the key
    expect(cache.stats().bytes).toBe(6 + 46 + 1);
  });

  it("names the backend in createCache and refuses any other", () => {
    expect(createCache({ backend: "memory", maxEntries: 5 })).toBeInstanceOf(MemoryCache);
    expect(() => createCache({ backend: "redis" } as unknown as { backend: "memory" })).toThrow(
      expect.objectContaining({ code: "ERR_CACHE_OPTIONS" }),
    );
  });
});
