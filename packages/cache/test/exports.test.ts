import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import * as main from "../src/index.js";
import * as redis from "../src/redis.js";

/** Relative imports of a source file and, transitively, of everything it imports. */
async function importGraph(entry: URL): Promise<{ files: Set<string>; packages: Set<string> }> {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  for (let url = pending.pop(); url !== undefined; url = pending.pop()) {
    if (files.has(url.href)) continue;
    files.add(url.href);
    const source = await readFile(url, "utf8");
    for (const match of source.matchAll(/^(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)) {
      const specifier = match[1] ?? "";
      // `import type` is erased at build time and loads nothing
      if (/^(?:import|export)\s+type\s/.test(match[0])) continue;
      if (specifier.startsWith(".")) pending.push(new URL(specifier.replace(/\.js$/, ".ts"), url));
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

// Pins the package's public surface: the cache and the limiter, in both entries.
describe("public entries", () => {
  it("main entry exports the cache and limiter contracts, their memory backends, keys and encryption", () => {
    expect(Object.keys(main).sort()).toEqual(
      [
        "CacheError",
        "LimitError",
        "MemoryCache",
        "MemoryLimiter",
        "createCache",
        "generateKey",
        "keyPart",
        "loadKeyring",
        "periodOf",
        "validateBudgetRule",
        "validateRateRule",
      ].sort(),
    );
  });

  it("redis entry exports the Redis backends", () => {
    expect(Object.keys(redis).sort()).toEqual(["RedisCache", "RedisLimiter", "createRedisCache"]);
  });

  it("main entry never loads ioredis (the embedded default does not pay for it)", async () => {
    const { packages } = await importGraph(new URL("../src/index.ts", import.meta.url));
    expect([...packages].filter((name) => !name.startsWith("node:"))).toEqual([]);
    // the walker does see ioredis where it is loaded
    expect((await importGraph(new URL("../src/redis.ts", import.meta.url))).packages).toContain("ioredis");
  });

  it("package.json maps only the root, ./redis and package.json", async () => {
    const manifest = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as {
      exports: Record<string, unknown>;
    };
    expect(Object.keys(manifest.exports).sort()).toEqual([".", "./package.json", "./redis"]);
  });
});
