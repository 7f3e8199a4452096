import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CacheError, generateKey, loadKeyring } from "../src/index.js";
import { createRedisCache, RedisCache, type RedisCacheOptions } from "../src/redis.js";
import { countedCompute, jsonCodec, skippingCodec, textCodec } from "./support/codecs.js";
import { startRedis, type TestRedis } from "./support/redis.js";

let redis: TestRedis;
let raw: Redis;
const open: RedisCache[] = [];

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
});

afterAll(async () => {
  await Promise.all(open.map((cache) => cache.close()));
  raw.disconnect();
  await redis.stop();
});

/** A cache on its own client and key prefix; closed after the file. */
function cacheFor(prefix: string, options: Partial<RedisCacheOptions> = {}): RedisCache {
  const cache = new RedisCache({ url: redis.url, keyPrefix: prefix, ...options });
  open.push(cache);
  return cache;
}

function freshPrefix(): string {
  return `test:${randomUUID()}:`;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("RedisCache basics", () => {
  it("returns the value with its remaining ttl, and misses once a short ttl has passed", async () => {
    const cache = cacheFor(freshPrefix());
    await cache.set("k", "v", { ttlMs: 150 });
    const hit = await cache.get("k");
    expect(hit?.value).toBe("v");
    expect(hit?.ttlMs).toBeGreaterThan(0);
    expect(hit?.ttlMs).toBeLessThanOrEqual(150);
    await wait(250);
    expect(await cache.get("k")).toBeUndefined();
    expect(cache.stats()).toEqual({ hits: 1, misses: 1, evictions: 0 });
  });

  it("deletes a key", async () => {
    const cache = cacheFor(freshPrefix());
    await cache.set("k", "v", { ttlMs: 60_000 });
    await cache.delete("k");
    expect(await cache.get("k")).toBeUndefined();
  });

  it("invalidates a group in one call, removes its set, and leaves other groups alone", async () => {
    const prefix = freshPrefix();
    const cache = cacheFor(prefix);
    await cache.set("a", "1", { ttlMs: 60_000, groups: ["uri:file:///a", "kind:resources"] });
    await cache.set("b", "2", { ttlMs: 5_000, groups: ["uri:file:///a"] });
    await cache.set("c", "3", { ttlMs: 60_000, groups: ["kind:resources"] });
    // the group set lives at least as long as its longest-lived member
    expect(await raw.pttl(`${prefix}g:uri:file:///a`)).toBeGreaterThan(59_000);
    expect(await cache.invalidate("uri:file:///a")).toBe(2);
    expect(await cache.get("a")).toBeUndefined();
    expect(await cache.get("b")).toBeUndefined();
    expect((await cache.get("c"))?.value).toBe("3");
    expect(await raw.exists(`${prefix}g:uri:file:///a`)).toBe(0);
    expect(await cache.invalidate("uri:file:///a")).toBe(0);
  });

  it("keeps keys and groups of two namespaces apart", async () => {
    const prefix = freshPrefix();
    const cache = cacheFor(prefix);
    const one = cache.namespace("p1|");
    const two = cache.namespace("p2|");
    await one.set("k", "from one", { ttlMs: 60_000, groups: ["g"] });
    await two.set("k", "from two", { ttlMs: 60_000, groups: ["g"] });
    expect(await raw.get(`${prefix}v:p1|k`)).toBe("from one");
    expect(await one.invalidate("g")).toBe(1);
    expect(await one.get("k")).toBeUndefined();
    expect((await two.get("k"))?.value).toBe("from two");
  });

  it("validates its options with the option's name", () => {
    expect(() => new RedisCache({})).toThrow(expect.objectContaining({ code: "ERR_CACHE_OPTIONS" }));
    expect(() => new RedisCache({ url: "http://x" })).toThrow(/"url"/);
    expect(() => new RedisCache({ url: redis.url, lockMs: 0 })).toThrow(/"lockMs"/);
    expect(() => new RedisCache({ url: redis.url, commandTimeoutMs: 1.5 })).toThrow(/"commandTimeoutMs"/);
    expect(() => new RedisCache({ url: redis.url, keyPrefix: "" })).toThrow(/"keyPrefix"/);
  });

  it("rejects (does not throw) a getOrCompute with a bad ttl", async () => {
    const cache = cacheFor(freshPrefix());
    await expect(cache.getOrCompute("k", { ttlMs: 0 }, async () => "x", textCodec)).rejects.toThrow(
      /"ttlMs"/,
    );
  });
});

describe("RedisCache single flight", () => {
  it("runs compute once for 100 concurrent misses in one process", async () => {
    const cache = cacheFor(freshPrefix());
    const compute = countedCompute({ n: 7 }, 50);
    const results = await Promise.all(
      Array.from({ length: 100 }, () => cache.getOrCompute("k", { ttlMs: 60_000 }, compute.run, jsonCodec)),
    );
    expect(compute.calls).toBe(1);
    // one caller ran compute; the 99 that joined its flight count as hits
    expect(results.filter((result) => !result.hit)).toEqual([{ value: { n: 7 }, hit: false, ttlMs: 60_000 }]);
    for (const result of results) expect(result).toMatchObject({ value: { n: 7 }, ttlMs: 60_000 });
    expect(await cache.getOrCompute("k", { ttlMs: 60_000 }, compute.run, jsonCodec)).toMatchObject({
      value: { n: 7 },
      hit: true,
    });
  });

  it("runs compute once when two instances on separate clients race on the same key", async () => {
    const prefix = freshPrefix();
    const a = cacheFor(prefix);
    const b = new RedisCache({ client: new Redis(redis.url), keyPrefix: prefix });
    let calls = 0;
    const compute = async () => {
      calls++;
      await wait(150);
      return "shared";
    };
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => a.getOrCompute("k", { ttlMs: 60_000 }, compute, textCodec)),
      ...Array.from({ length: 20 }, () => b.getOrCompute("k", { ttlMs: 60_000 }, compute, textCodec)),
    ]);
    expect(calls).toBe(1);
    expect(new Set(results.map((result) => result.value))).toEqual(new Set(["shared"]));
    // only the winner's own caller ran compute: the loser's 20 read it from Redis, 19 joined flights
    expect(results.filter((result) => !result.hit).length).toBe(1);
    expect(await raw.exists(`${prefix}lock:k`)).toBe(0);
    await b.close();
  });

  it("lets a waiter take the lock and compute when the holder leaves without storing a value", async () => {
    const prefix = freshPrefix();
    const a = cacheFor(prefix);
    const b = cacheFor(prefix);
    const slowSkip = async () => {
      await wait(100);
      return "skip";
    };
    const first = a.getOrCompute("k", { ttlMs: 60_000 }, slowSkip, skippingCodec);
    await wait(20);
    const started = Date.now();
    const second = await b.getOrCompute("k", { ttlMs: 60_000 }, async () => "computed by b", skippingCodec);
    expect(await first).toEqual({ value: "skip", hit: false, ttlMs: 0 });
    expect(second).toEqual({ value: "computed by b", hit: false, ttlMs: 60_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
  });

  it("computes itself after waiting lockMs for a holder that never finishes", async () => {
    const prefix = freshPrefix();
    const cache = cacheFor(prefix, { lockMs: 300 });
    await raw.set(`${prefix}lock:k`, "a stuck process", "PX", 60_000);
    const started = Date.now();
    const result = await cache.getOrCompute("k", { ttlMs: 60_000 }, async () => "mine", textCodec);
    expect(result).toEqual({ value: "mine", hit: false, ttlMs: 60_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await raw.get(`${prefix}v:k`)).toBe("mine");
    expect(await raw.get(`${prefix}lock:k`)).toBe("a stuck process");
  });

  it("hands a compute error to every waiter in both processes, stores nothing and releases the lock", async () => {
    const prefix = freshPrefix();
    const a = cacheFor(prefix);
    const b = cacheFor(prefix);
    let calls = 0;
    const failing = async (): Promise<string> => {
      calls++;
      await wait(50);
      throw new Error("upstream down");
    };
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, () => a.getOrCompute("k", { ttlMs: 60_000 }, failing, textCodec)),
    );
    expect(calls).toBe(1);
    for (const result of settled)
      expect(result).toMatchObject({ status: "rejected", reason: { message: "upstream down" } });
    expect(await raw.exists(`${prefix}v:k`, `${prefix}lock:k`)).toBe(0);
    // the other process is not blocked by a leftover lock
    expect(await b.getOrCompute("k", { ttlMs: 60_000 }, async () => "ok", textCodec)).toMatchObject({
      value: "ok",
      hit: false,
    });
  });
});

describe("RedisCache stored text the codec rejects", () => {
  it("is a miss: dropped, recomputed, stored again and reported as ERR_CACHE_DECODE", async () => {
    const prefix = freshPrefix();
    const errors: CacheError[] = [];
    const cache = cacheFor(prefix, { onError: (error) => errors.push(error) });
    await raw.set(`${prefix}v:k`, "written by an older version", "PX", 60_000);
    const computed = await cache.getOrCompute("k", { ttlMs: 60_000 }, async () => ({ n: 1 }), jsonCodec);
    expect(computed).toEqual({ value: { n: 1 }, hit: false, ttlMs: 60_000 });
    expect(await raw.get(`${prefix}v:k`)).toBe('{"n":1}');
    expect(errors.map((error) => error.code)).toEqual(["ERR_CACHE_DECODE"]);
  });
});

describe("RedisCache encryption", () => {
  const k1 = generateKey();
  const k2 = generateKey();

  it("stores e1 ciphertext, never the plaintext, and reads it back", async () => {
    const prefix = freshPrefix();
    const cache = cacheFor(prefix, { encryption: loadKeyring({ env: `k1:${k1}` }) });
    await cache.set("k", "the secret document", { ttlMs: 60_000, groups: ["g"] });
    await cache.getOrCompute("c", { ttlMs: 60_000 }, async () => ({ n: 123456789 }), jsonCodec);
    for (const key of [`${prefix}v:k`, `${prefix}v:c`]) {
      const stored = await raw.get(key);
      expect(stored).toMatch(/^e1\.k1\.[A-Za-z0-9_-]+$/);
      expect(stored).not.toContain("secret");
      expect(stored).not.toContain("123456789");
    }
    expect((await cache.get("k"))?.value).toBe("the secret document");
    expect(
      (await cache.getOrCompute("c", { ttlMs: 60_000 }, async () => ({ n: 0 }), jsonCodec)).value,
    ).toEqual({
      n: 123456789,
    });
  });

  it("still decrypts old entries after rotating to a new current key that keeps the old one", async () => {
    const prefix = freshPrefix();
    const before = cacheFor(prefix, { encryption: loadKeyring({ env: `k1:${k1}` }) });
    await before.set("old", "written with k1", { ttlMs: 60_000 });
    const after = cacheFor(prefix, { encryption: loadKeyring({ env: `k2:${k2},k1:${k1}` }) });
    expect((await after.get("old"))?.value).toBe("written with k1");
    await after.set("new", "written with k2", { ttlMs: 60_000 });
    expect(await raw.get(`${prefix}v:new`)).toMatch(/^e1\.k2\./);
  });

  it("counts an entry under an unknown key id as a miss, deletes it and reports ERR_CACHE_DECRYPT", async () => {
    const prefix = freshPrefix();
    const writer = cacheFor(prefix, { encryption: loadKeyring({ env: `k1:${k1}` }) });
    await writer.set("k", "v", { ttlMs: 60_000 });
    await writer.set("j", "v", { ttlMs: 60_000 });
    const errors: CacheError[] = [];
    const reader = cacheFor(prefix, {
      encryption: loadKeyring({ env: `k2:${k2}` }),
      onError: (error) => errors.push(error),
    });
    expect(await reader.get("k")).toBeUndefined();
    expect(await raw.exists(`${prefix}v:k`)).toBe(0);
    const computed = await reader.getOrCompute("j", { ttlMs: 60_000 }, async () => "fresh", textCodec);
    expect(computed).toEqual({ value: "fresh", hit: false, ttlMs: 60_000 });
    expect(await raw.get(`${prefix}v:j`)).toMatch(/^e1\.k2\./);
    expect(errors.map((error) => error.code)).toEqual(["ERR_CACHE_DECRYPT", "ERR_CACHE_DECRYPT"]);
  });

  it("refuses a value copied to another key (the key is authenticated data)", async () => {
    const prefix = freshPrefix();
    const errors: CacheError[] = [];
    const cache = cacheFor(prefix, {
      encryption: loadKeyring({ env: `k1:${k1}` }),
      onError: (e) => errors.push(e),
    });
    await cache.set("alice", "alice's data", { ttlMs: 60_000 });
    await raw.set(`${prefix}v:bob`, (await raw.get(`${prefix}v:alice`)) ?? "", "PX", 60_000);
    expect(await cache.get("bob")).toBeUndefined();
    expect(errors[0]?.code).toBe("ERR_CACHE_DECRYPT");
  });
});

describe("RedisCache when Redis is unreachable", () => {
  function freePort(): Promise<number> {
    return new Promise((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
  }

  it("getOrCompute still returns the computed value within 2 s after Redis stops, reporting ERR_CACHE_UNAVAILABLE", async () => {
    // appendonly makes startRedis start a server of our own even when REDIS_URL is set: that one
    // is not ours to stop
    const own = await startRedis({ appendonly: true });
    const errors: CacheError[] = [];
    const cache = new RedisCache({ url: own.url, keyPrefix: freshPrefix(), onError: (e) => errors.push(e) });
    expect((await cache.getOrCompute("k", { ttlMs: 60_000 }, async () => "cached", textCodec)).value).toBe(
      "cached",
    );
    await own.stop();
    const started = Date.now();
    const result = await cache.getOrCompute("other", { ttlMs: 60_000 }, async () => "computed", textCodec);
    expect(result).toEqual({ value: "computed", hit: false, ttlMs: 0 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(errors.map((error) => error.code)).toContain("ERR_CACHE_UNAVAILABLE");
    await expect(cache.get("k")).rejects.toMatchObject({ code: "ERR_CACHE_UNAVAILABLE" });
    await cache.close();
  });

  it("degrades at once against a port with nothing listening, and plain calls reject with ERR_CACHE_UNAVAILABLE", async () => {
    const errors: CacheError[] = [];
    const cache = createRedisCache({
      url: `redis://127.0.0.1:${await freePort()}`,
      onError: (error) => errors.push(error),
    });
    const started = Date.now();
    const result = await cache.getOrCompute("k", { ttlMs: 60_000 }, async () => "computed", textCodec);
    expect(result).toEqual({ value: "computed", hit: false, ttlMs: 0 });
    await expect(cache.set("k", "v", { ttlMs: 1_000 })).rejects.toMatchObject({
      code: "ERR_CACHE_UNAVAILABLE",
    });
    await expect(cache.invalidate("g")).rejects.toMatchObject({ code: "ERR_CACHE_UNAVAILABLE" });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(errors[0]?.code).toBe("ERR_CACHE_UNAVAILABLE");
    await cache.close();
  });

  it("gives up on a server that accepts connections but never answers, within commandTimeoutMs", async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const url = `redis://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    // our own client: waits for the first connection (its ready check never answers)
    const owned = new RedisCache({ url, commandTimeoutMs: 200 });
    // a caller's client without a ready check: ready at once, so the per-command deadline applies
    const client = new Redis(url, { enableReadyCheck: false, maxRetriesPerRequest: null });
    const given = new RedisCache({ client, commandTimeoutMs: 200 });
    const started = Date.now();
    expect((await owned.getOrCompute("k", { ttlMs: 1_000 }, async () => "x", textCodec)).value).toBe("x");
    await expect(given.get("k")).rejects.toMatchObject({
      code: "ERR_CACHE_UNAVAILABLE",
      message: expect.stringContaining("200 ms"),
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    await owned.close();
    await given.close();
    client.disconnect();
    silent.close();
  });
});

describe("RedisCache close", () => {
  it("closes a client it made from url but not one handed in", async () => {
    const client = new Redis(redis.url);
    const given = new RedisCache({ client, keyPrefix: freshPrefix() });
    await given.set("k", "v", { ttlMs: 1_000 });
    await given.close();
    expect(await client.ping()).toBe("PONG");
    client.disconnect();

    const owned = new RedisCache({ url: redis.url, keyPrefix: freshPrefix() });
    await owned.set("k", "v", { ttlMs: 1_000 });
    await owned.close();
    await expect(owned.get("k")).rejects.toMatchObject({ code: "ERR_CACHE_UNAVAILABLE" });
  });
});
