/**
 * @module The generated configuration reference (docs/configuration.md) matches the config schemas:
 * `npm run docs:config --check` passes, a stale page fails with the command that fixes it, and every
 * top-level key of the runtime's and the sidecar's schema has its section.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { runtimeConfigSchema } from "@mcp-runtime/config";
import { sidecarConfigSchema } from "@mcp-runtime/sidecar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, REPO_ROOT } from "./support/paths.js";

const run = promisify(execFile);
const GENERATOR = join(REPO_ROOT, "tools", "docs", "config-reference.mjs");
const PAGE = join(REPO_ROOT, "docs", "configuration.md");

async function generator(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [GENERATOR, ...args], { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

describe("docs/configuration.md, generated from the config schema", () => {
  let scratch: string;

  beforeAll(async () => {
    assertBuilt();
    scratch = await mkdtemp(join(tmpdir(), "docs-config-"));
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("is up to date with the schemas (else: run npm run docs:config)", async () => {
    const result = await generator(["--check"]);
    expect(result.stderr, "docs/configuration.md is stale: run `npm run docs:config`").toBe("");
    expect(result.code).toBe(0);
  });

  it("reports a stale page with the command that regenerates it", async () => {
    const stale = join(scratch, "configuration.md");
    const current = await readFile(PAGE, "utf8");
    await writeFile(stale, current.replace("| `server.port` |", "| `server.portt` |"));
    const result = await generator(["--check", "--out", stale]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("run `npm run docs:config`");
  });

  it("writes exactly the committed page", async () => {
    const fresh = join(scratch, "fresh.md");
    const result = await generator(["--out", fresh]);
    expect(result.code).toBe(0);
    expect(await readFile(fresh, "utf8")).toBe(await readFile(PAGE, "utf8"));
  });

  it("has a section for every top-level key of the runtime schema, and a row for each key under it", async () => {
    const page = await readFile(PAGE, "utf8");
    const keys = Object.keys(runtimeConfigSchema.shape);
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) expect(page, key).toContain(`\n### ${key}\n`);
    const serverKeys = Object.keys(runtimeConfigSchema.shape.server.unwrap().in.shape);
    for (const key of serverKeys) expect(page, `server.${key}`).toContain(`| \`server.${key}\` |`);
  });

  it("names every top-level key of the sidecar schema", async () => {
    const page = await readFile(PAGE, "utf8");
    const sidecar = page.slice(page.indexOf("## Sidecar"));
    for (const key of Object.keys(sidecarConfigSchema.shape))
      expect(sidecar, key).toMatch(new RegExp(`\\| \`${key}(\\.[^\`]+)?\` \\||\\n### ${key}\\n`));
  });
});
