/**
 * Acceptance (issue 14, points 1 and 2): a resource read twice within its TTL runs the plugin once;
 * 100 concurrent misses run it once; private results never cross subjects; opted-in tool results
 * are cached; a plugin's `resources/updated` drops the stale entry; 2026-07-28 reads carry the
 * policy's `ttlMs`/`cacheScope`. With Redis, encrypted entries are not plaintext in Redis and still
 * decrypt after a key rotation. The plugin counts its own runs; nothing here is mocked.
 */
import { randomBytes } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt } from "./support/paths.js";
import { caller, callText, POLICY_PLUGIN, pluginRuns, readText, tokenAuth } from "./support/policy.js";
import { sample, scrape } from "./support/prometheus.js";
import { startRedis, type TestRedis } from "./support/queue-redis.js";

describe("result cache (memory backend)", () => {
  let runtime: HttpRuntime;

  beforeAll(async () => {
    assertBuilt();
    runtime = await startHttpRuntime({ plugins: [{ path: POLICY_PLUGIN }] });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it("runs a resource read once within its TTL, and once for 100 concurrent misses", async () => {
    const first = await readText(runtime.url, "test://counted");
    const second = await readText(runtime.url, "test://counted");
    expect(first.text).toBe("counted read 1");
    expect(second.text).toBe("counted read 1");
    expect((await pluginRuns(runtime.url)).counted).toBe(1);

    // The plugin says the resource changed: the entry goes, and 100 concurrent reads share one run.
    expect(await callText(runtime.url, "touch")).toBe("touched");
    const reads = await Promise.all(
      Array.from({ length: 100 }, () => readText(runtime.url, "test://counted")),
    );
    expect(new Set(reads.map((r) => r.text))).toEqual(new Set(["counted read 2"]));
    expect((await pluginRuns(runtime.url)).counted).toBe(2);
  });

  it("gives 2026-07-28 reads the policy's ttlMs and cacheScope, and never caches an opted-out resource", async () => {
    const cached = await readText(runtime.url, "test://item/a");
    expect(cached.cacheScope).toBe("private");
    expect(cached.ttlMs).toBeGreaterThan(0);
    expect(cached.ttlMs).toBeLessThanOrEqual(60_000);
    expect((await readText(runtime.url, "test://item/a")).text).toBe("item a (run 1)");
    expect((await readText(runtime.url, "test://item/b")).text).toBe("item b (run 1)");

    const live1 = await readText(runtime.url, "test://live");
    const live2 = await readText(runtime.url, "test://live");
    expect([live1.text, live2.text]).toEqual(["live read 1", "live read 2"]);
    expect(live2.ttlMs).toBe(0);
  });

  it("caches an opted-in read-only tool per arguments, in any key order", async () => {
    expect(await callText(runtime.url, "lookup", { key: "x" })).toBe("value of x (run 1)");
    expect(await callText(runtime.url, "lookup", { key: "x" })).toBe("value of x (run 1)");
    expect(await callText(runtime.url, "lookup", { key: "y" })).toBe("value of y (run 1)");
    const runs = await pluginRuns(runtime.url);
    expect(runs["lookup:x"]).toBe(1);
    expect(runs["lookup:y"]).toBe(1);
  });

  it("serves a 2025-era SDK client from the same cache", async () => {
    const client = new Client({ name: "policy-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(runtime.url)));
    try {
      const before = (await pluginRuns(runtime.url))["item:sdk"] ?? 0;
      const reads = [];
      for (let i = 0; i < 3; i++) reads.push(await client.readResource({ uri: "test://item/sdk" }));
      expect(reads.map((r) => (r.contents[0] as { text: string }).text)).toEqual(
        Array(3).fill("item sdk (run 1)"),
      );
      // Legacy results carry no 2026-07-28 hints.
      expect(reads[0]).not.toHaveProperty("ttlMs");
      expect(((await pluginRuns(runtime.url))["item:sdk"] ?? 0) - before).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("counts hits and misses in /metrics", async () => {
    const families = await scrape(new URL("/metrics", runtime.url).href);
    expect(
      sample(families, "mcp_cache_requests_total", { kind: "resource", outcome: "hit" }),
    ).toBeGreaterThan(100);
    expect(sample(families, "mcp_cache_requests_total", { kind: "tool", outcome: "miss" })).toBe(2);
    expect(sample(families, "mcp_cache_entries")).toBeGreaterThan(0);
  });
});

describe("result cache with authentication", () => {
  const alice = caller("alice");
  const bob = caller("bob");
  let runtime: HttpRuntime;

  beforeAll(async () => {
    assertBuilt();
    runtime = await startHttpRuntime({ plugins: [{ path: POLICY_PLUGIN }], auth: tokenAuth([alice, bob]) });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it("never serves one subject's private result to another", async () => {
    const a1 = await readText(runtime.url, "test://whoami", alice.headers);
    const b1 = await readText(runtime.url, "test://whoami", bob.headers);
    const a2 = await readText(runtime.url, "test://whoami", alice.headers);
    const b2 = await readText(runtime.url, "test://whoami", bob.headers);
    expect(a1.text).toBe("subject alice (run 1)");
    expect(b1.text).toBe("subject bob (run 2)");
    expect(a2.text).toBe(a1.text);
    expect(b2.text).toBe(b1.text);
    expect((await pluginRuns(runtime.url, alice.headers)).whoami).toBe(2);
  });
});

describe("result cache on Redis, encrypted", () => {
  let redis: TestRedis;
  let raw: Redis;
  const key1 = randomBytes(32).toString("base64");
  const key2 = randomBytes(32).toString("base64");
  const config = () => ({
    plugins: [{ path: POLICY_PLUGIN }],
    cache: { backend: "redis", encrypt: true },
    redis: { url: redis.url },
  });
  const start = (keys: string) =>
    startHttpRuntime(config(), [], { env: { ...process.env, MCP_CACHE_KEYS: keys } });

  beforeAll(async () => {
    assertBuilt();
    redis = await startRedis();
    raw = new Redis(redis.url);
    await raw.flushall();
  });
  afterAll(async () => {
    raw?.disconnect();
    await redis?.stop();
  });

  /** Every string value under the cache's prefix (group sets and locks left out). */
  async function storedValues(): Promise<string[]> {
    const keys = await raw.keys("mcp:cache:*");
    const values: string[] = [];
    for (const key of keys)
      if ((await raw.type(key)) === "string" && !key.includes("lock:"))
        values.push((await raw.get(key)) ?? "");
    return values;
  }

  it("stores ciphertext only, and reads it back after the key is rotated", async () => {
    const first = await start(`k1:${key1}`);
    try {
      expect((await readText(first.url, "test://item/secret")).text).toBe("item secret (run 1)");
      const values = await storedValues();
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) {
        expect(value.startsWith("e1.k1.")).toBe(true);
        expect(value).not.toContain("secret");
      }
    } finally {
      await first.stop();
    }

    // Rotated: k2 is current, k1 still in the ring. The old entry is a hit (this process's plugin never runs).
    const second = await start(`k2:${key2},k1:${key1}`);
    try {
      expect((await readText(second.url, "test://item/secret")).text).toBe("item secret (run 1)");
      expect((await pluginRuns(second.url))["item:secret"]).toBeUndefined();
      await readText(second.url, "test://item/fresh");
      const values = await storedValues();
      expect(values.some((v) => v.startsWith("e1.k2."))).toBe(true);
      expect(values.some((v) => v.startsWith("e1.k1."))).toBe(true);
    } finally {
      await second.stop();
    }

    // k1 dropped from the ring: its entries read as misses (the plugin runs) and are counted as errors.
    const third = await start(`k2:${key2}`);
    try {
      expect((await readText(third.url, "test://item/secret")).text).toBe("item secret (run 1)");
      expect((await pluginRuns(third.url))["item:secret"]).toBe(1);
      const families = await scrape(new URL("/metrics", third.url).href);
      expect(sample(families, "mcp_cache_errors_total", { kind: "decrypt" })).toBeGreaterThanOrEqual(1);
    } finally {
      await third.stop();
    }
  });

  it("refuses to start with encryption on and no key, naming the fix", async () => {
    const env = { ...process.env };
    delete env.MCP_CACHE_KEYS;
    await expect(startHttpRuntime(config(), [], { env })).rejects.toThrow(/MCP_CACHE_KEYS/);
  });
});
