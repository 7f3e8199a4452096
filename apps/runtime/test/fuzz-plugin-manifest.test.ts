/**
 * @module Fuzzing plugin packages' `"mcp-runtime"` manifest field (and broken package.json files):
 * `resolvePlugin` resolves with well-typed permissions (string lists only: anything else grants
 * nothing) or refuses with a PluginLoadError, never another exception.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { PluginEntry } from "@mcp-runtime/config";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PluginLoadError, resolvePlugin } from "../src/plugins/resolve.js";

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const FUZZ_TIMEOUT_MS = FUZZ_RUNS > 200 ? 1_800_000 : 30_000;
console.info(`fuzz: ${FUZZ_RUNS} runs per property, seed ${FUZZ_SEED} (replay with FUZZ_SEED=${FUZZ_SEED})`);

const ECHO = pathToFileURL(resolve(import.meta.dirname, "../../../plugins/echo/dist/index.js")).href;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "plugin-manifest-fuzz-"));
});
// One directory per run (require caches what it read of a package.json), so a long run removes many.
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
}, FUZZ_TIMEOUT_MS);

const list = fc.oneof(
  fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 1 }),
);
const field = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      permissions: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record(
          {
            fs: fc.oneof(fc.record({ read: list, write: list }, { requiredKeys: [] }), list),
            net: list,
            env: list,
          },
          { requiredKeys: [] },
        ),
      ),
      ["__proto__"]: fc.constant({ polluted: true }),
    },
    { requiredKeys: [] },
  ),
);
const packageJson = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record(
        { name: fc.jsonValue({ maxDepth: 0 }), version: fc.jsonValue({ maxDepth: 0 }), "mcp-runtime": field },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v)),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
);

describe("fuzz: plugin package manifests", () => {
  it(
    "fuzz: any package.json resolves with string-only permissions or a PluginLoadError",
    async () => {
      let run = 0;
      let resolved = 0;
      await fc.assert(
        fc.asyncProperty(packageJson, fc.boolean(), async (pkg, byFile) => {
          const dir = join(root, `p${++run}`);
          await mkdir(dir);
          await writeFile(join(dir, "package.json"), pkg);
          await writeFile(join(dir, "index.js"), `export { default } from ${JSON.stringify(ECHO)};\n`);
          const entry = { path: byFile ? "index.js" : ".", config: {} } as unknown as PluginEntry;
          try {
            const plugin = await resolvePlugin(entry, dir);
            resolved++;
            const { fs, net, env } = plugin.permissions;
            for (const values of [fs.read, fs.write, net, env]) {
              expect(Array.isArray(values)).toBe(true);
              for (const value of values) expect(typeof value).toBe("string");
            }
          } catch (error) {
            expect(error, String(error)).toBeInstanceOf(PluginLoadError);
          }
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }),
        {
          numRuns: FUZZ_RUNS,
          seed: FUZZ_SEED,
          examples: [
            [
              JSON.stringify({ type: "module", "mcp-runtime": { permissions: { net: ["a.example"] } } }),
              true,
            ],
          ],
        },
      );
      expect(resolved).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT_MS,
  );
});
