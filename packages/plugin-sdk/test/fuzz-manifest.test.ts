/**
 * @module Fuzzing plugin definitions: `definePlugin` (and `PluginInstance`, which builds the
 * manifest) either accept a definition or refuse it with a TypeError naming the field, never a
 * crash from inside (reading a property of null, calling a non-function, iterating a non-iterable).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PluginInstance } from "../src/host.js";
import { definePlugin } from "../src/index.js";

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const FUZZ_TIMEOUT_MS = FUZZ_RUNS > 200 ? 1_800_000 : 30_000;
console.info(`fuzz: ${FUZZ_RUNS} runs per property, seed ${FUZZ_SEED} (replay with FUZZ_SEED=${FUZZ_SEED})`);

/** Messages of JavaScript's own TypeErrors: a definition slipped past the checks. */
const ENGINE_ERROR =
  /Cannot read prop|Cannot convert|is not a function|is not iterable|Cannot use 'in'|undefined|null \(reading/;

const handler = fc.constantFrom(
  () => "ok",
  async () => ({ content: [] }),
);
const value = fc.oneof(fc.anything({ maxDepth: 2 }), handler);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, value);
const tool = maybe(
  fc.record(
    {
      description: maybe(fc.string()),
      input: maybe(
        fc.constantFrom({ type: "object" }, { type: "object", properties: { n: { type: "integer" } } }),
      ),
      handler: maybe(handler),
      annotations: maybe(
        fc.record({ readOnlyHint: fc.boolean(), idempotentHint: fc.boolean() }, { requiredKeys: [] }),
      ),
      cache: maybe(
        fc.oneof(fc.boolean(), fc.record({ ttlSeconds: value, scope: value }, { requiredKeys: [] })),
      ),
      cost: maybe(fc.integer({ min: -2, max: 5 })),
      batch: maybe(fc.record({ maxSize: value, maxWaitMs: value }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  ),
);
const entry = maybe(
  fc.record(
    {
      uri: maybe(fc.constantFrom("demo://a", "not a uri")),
      uriTemplate: maybe(fc.constantFrom("demo://{id}", "{")),
      description: maybe(fc.string()),
      arguments: maybe(fc.array(fc.record({ name: maybe(fc.string()), required: maybe(fc.boolean()) }))),
      read: maybe(handler),
      get: maybe(handler),
      cache: maybe(
        fc.oneof(fc.boolean(), fc.record({ ttlSeconds: value, scope: value }, { requiredKeys: [] })),
      ),
    },
    { requiredKeys: [] },
  ),
);
const names = fc.oneof(
  fc.constantFrom("demo", "a/b", "x.y", "__proto__", "constructor"),
  fc.string({ maxLength: 8 }),
);
const definition = maybe(
  fc.record(
    {
      name: maybe(fc.constantFrom("demo", "bad name", "")),
      version: maybe(fc.string()),
      config: maybe(fc.constant({ type: "object" })),
      tools: maybe(fc.dictionary(names, tool, { maxKeys: 3 })),
      resources: maybe(fc.dictionary(names, entry, { maxKeys: 2 })),
      resourceTemplates: maybe(fc.dictionary(names, entry, { maxKeys: 2 })),
      prompts: maybe(fc.dictionary(names, entry, { maxKeys: 2 })),
    },
    { requiredKeys: [] },
  ),
);

function refusedCleanly(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message, message).not.toMatch(ENGINE_ERROR);
  }
}

describe("fuzz: plugin definitions", () => {
  it(
    "fuzz: definePlugin accepts or refuses with a clear TypeError",
    () => {
      fc.assert(
        fc.property(definition, (def) => {
          refusedCleanly(() => definePlugin(def as never));
        }),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "fuzz: a plugin definePlugin accepted builds an instance and manifest or is refused clearly",
    async () => {
      let built = 0;
      await fc.assert(
        fc.asyncProperty(definition, async (def) => {
          let plugin: ReturnType<typeof definePlugin>;
          try {
            plugin = definePlugin(def as never);
          } catch {
            return;
          }
          try {
            const instance = await PluginInstance.create(plugin, {});
            expect(typeof JSON.stringify(instance.manifest)).toBe("string");
            built++;
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
            expect((error as Error).message).not.toMatch(ENGINE_ERROR);
          }
        }),
        {
          numRuns: FUZZ_RUNS,
          seed: FUZZ_SEED,
          examples: [[{ name: "demo", tools: { t: { handler: () => "ok" } } }]],
        },
      );
      expect(built).toBeGreaterThan(0);
    },
    FUZZ_TIMEOUT_MS,
  );

  it("refuses a null tool, resource, template or prompt entry by name (found by fuzzing)", () => {
    const noop = () => "ok";
    expect(() => definePlugin({ name: "demo", resourceTemplates: [null] } as never)).toThrow(
      'resource template "0" must be an object',
    );
    expect(() => definePlugin({ name: "demo", resources: { a: null } } as never)).toThrow(
      'resource "a" must be an object',
    );
    expect(() => definePlugin({ name: "demo", prompts: { p: 1 } } as never)).toThrow(
      'prompt "p" must be an object',
    );
    expect(() => definePlugin({ name: "demo", tools: { t: null } } as never)).toThrow(
      'tool "t" must be an object',
    );
    expect(definePlugin({ name: "demo", tools: { t: { handler: noop } } }).name).toBe("demo");
  });
});
