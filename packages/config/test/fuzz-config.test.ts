/**
 * @module Fuzzing config files: any YAML/JSON text through `loadConfig` and any value through
 * `validateConfig` gives ok or `{ ok: false, issues }` with `path: message` lines, never a throw;
 * an unknown key at any depth of a strict section is rejected and named.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { formatIssues, type LoadConfigResult, loadConfig, validateConfig } from "../src/index.js";

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const FUZZ_TIMEOUT_MS = FUZZ_RUNS > 200 ? 1_800_000 : 30_000;
console.info(`fuzz: ${FUZZ_RUNS} runs per property, seed ${FUZZ_SEED} (replay with FUZZ_SEED=${FUZZ_SEED})`);
const params = (share = 1) => ({ numRuns: Math.max(1, Math.round(FUZZ_RUNS * share)), seed: FUZZ_SEED });

const cwd = mkdtempSync(join(tmpdir(), "config-fuzz-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function checkOutcome(result: LoadConfigResult | ReturnType<typeof validateConfig>): void {
  if (result.ok) return;
  expect(result.issues.length).toBeGreaterThan(0);
  for (const line of formatIssues(result.issues)) {
    expect(line).toMatch(/^.+: .+/s);
    expect(line).not.toMatch(/\n\s{4}at |node_modules/);
  }
}

/** A config-shaped object: known section names with arbitrary contents, and arbitrary keys. */
const SECTIONS = [
  "server",
  "plugins",
  "upstreams",
  "auth",
  "cache",
  "limits",
  "queue",
  "sandbox",
  "telemetry",
  "evals",
];
const configLike = fc.dictionary(
  fc.oneof(fc.constantFrom(...SECTIONS, "__proto__", "constructor"), fc.string({ maxLength: 6 })),
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(
      fc.constantFrom("port", "host", "transport", "backend", "mode", "package", "path", "__proto__"),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  ),
  { maxKeys: 4 },
);

/** Input-shaped config exercising every section, so an inserted key lands in a strict object. */
const FULL: Record<string, unknown> = (() => {
  const base = validateConfig({ plugins: [{ package: "@mcp-runtime/plugin-echo" }, { path: "./p" }] });
  if (!base.ok) throw new Error(formatIssues(base.issues).join("\n"));
  return {
    ...base.config,
    upstreams: [
      { id: "everything", command: "npx", args: ["x"] },
      { id: "remote", url: "https://example.test/mcp" },
    ],
  };
})();
/** Records keyed by the author (tool names) or free-form plugin config: unknown keys are allowed there. */
const FREE_FORM = /^plugins\.\d+\.config$|^cache\.tools$|^limits\.perTool$|^telemetry\.capture\.tools$/;

function objectPaths(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []) {
  if (typeof value === "object" && value !== null) {
    if (!Array.isArray(value) && !FREE_FORM.test(path.join("."))) out.push(path);
    for (const [key, child] of Object.entries(value))
      objectPaths(child, [...path, Array.isArray(value) ? Number(key) : key], out);
  }
  return out;
}
const STRICT_PATHS = objectPaths(FULL);

describe("fuzz: config files", () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(
    "fuzz: arbitrary text as YAML or JSON loads or fails with path: message issues",
    async () => {
      const text = fc.oneof(
        fc.string({ unit: "binary", maxLength: 300 }),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        configLike.map((v) => JSON.stringify(v)),
        configLike.map((v) => JSON.stringify(v, null, 2).replaceAll('"', "")),
        fc.constantFrom(
          "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
          "server:\n  port: 1e400\n",
          "server: {port: -0}\n",
          "__proto__: {polluted: true}\n",
          "constructor: {prototype: {polluted: true}}\n",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} reference is the input under test
          "server: ${NOPE}\n",
          "---\na: 1\n---\nb: 2\n",
          `${"[".repeat(5000)}${"]".repeat(5000)}`,
        ),
      );
      await fc.assert(
        fc.asyncProperty(text, fc.constantFrom("fuzz.yaml", "fuzz.json"), async (body, file) => {
          const result = await loadConfig({ file, text: body, env: {}, cwd });
          checkOutcome(result);
        }),
        params(),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "fuzz: arbitrary values through validateConfig are ok or issues, never a throw",
    () => {
      fc.assert(
        fc.property(fc.oneof(fc.anything(), configLike), (value) => {
          checkOutcome(validateConfig(value));
        }),
        params(),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "fuzz: an unknown key at any depth of a strict section is rejected and named",
    () => {
      expect(validateConfig(FULL).ok).toBe(true);
      expect(STRICT_PATHS.length).toBeGreaterThan(10);
      fc.assert(
        fc.property(
          fc.constantFrom(...STRICT_PATHS),
          fc.oneof(
            fc.constantFrom("__proto__", "constructor", "prototype", "polluted"),
            fc.string({ minLength: 1, maxLength: 10 }),
          ),
          fc.jsonValue({ maxDepth: 2 }),
          (path, key, value) => {
            const config = structuredClone(FULL);
            let target: Record<string, unknown> = config;
            for (const segment of path) target = target[segment as string] as Record<string, unknown>;
            fc.pre(!Object.hasOwn(target, key));
            // defineProperty: `target.__proto__ = v` would set the prototype rather than add a key.
            Object.defineProperty(target, key, {
              value,
              enumerable: true,
              writable: true,
              configurable: true,
            });
            const result = validateConfig(config);
            expect(result.ok).toBe(false);
            if (result.ok) return;
            expect(
              result.issues.some(
                (issue) =>
                  issue.message.startsWith("unknown key ") &&
                  issue.message === `unknown key ${JSON.stringify(key)}`,
              ),
            ).toBe(true);
          },
        ),
        params(),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it("refuses a 5,000-level JSON document with an issue instead of overflowing the stack (found by fuzzing)", async () => {
    const text = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const result = await loadConfig({ file: "deep.json", text, env: {}, cwd });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).toBe("nested deeper than 100 levels");
  });
});
