/**
 * @module Acceptance for `mcp-runtime init plugin`: a plugin scaffolded into a folder outside the
 * repository builds with its own tsconfig, passes its own generated test (which loads it into a
 * real runtime), and serves its tool through a real `mcp-runtime serve` process driven by the
 * official SDK client. Its dependencies resolve without the network through a node_modules link to
 * this repository's install, whose @mcp-runtime/* entries are the workspace packages.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initPlugin } from "../src/commands/init-plugin.js";
import { captureIo } from "./support/cli-io.js";
import { assertBuilt, CLI_PATH, REPO_ROOT, serveArgs } from "./support/paths.js";

const run = promisify(execFile);
const TSC = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
const VITEST = join(REPO_ROOT, "node_modules", "vitest", "vitest.mjs");

/** Runs initPlugin from `cwd` (it picks the target folder from the current directory). */
async function initIn(cwd: string, ...args: Parameters<typeof initPlugin>): Promise<number> {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await initPlugin(...args);
  } finally {
    process.chdir(before);
  }
}

describe("mcp-runtime init plugin", () => {
  let workspace: string;

  beforeAll(async () => {
    assertBuilt();
    workspace = await mkdtemp(join(tmpdir(), "mcp-init-plugin-"));
    // The team's own repo, offline: its node_modules is this repository's install.
    await symlink(join(REPO_ROOT, "node_modules"), join(workspace, "node_modules"), "dir");
  });

  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it("scaffolds a plugin that builds alone, passes its own test and serves its tool through mcp-runtime", async () => {
    const io = captureIo();
    expect(await initIn(workspace, "@acme/plugin-weather", { description: "Says hello" }, io)).toBe(0);
    const dir = join(workspace, "weather");
    expect(io.out).toContain("created plugin weather (package @acme/plugin-weather, tool weather_greet)");
    expect(io.out).toContain("npm run build");
    expect(io.out).toContain("- { path: ./weather }");

    const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    expect(pkg.name).toBe("@acme/plugin-weather");
    expect(pkg["mcp-runtime"]).toEqual({ permissions: { fs: { read: [] }, net: [], env: [] } });
    const sdk = JSON.parse(await readFile(join(REPO_ROOT, "packages/plugin-sdk/package.json"), "utf8"));
    expect(pkg.dependencies["@mcp-runtime/plugin-sdk"]).toBe(`^${sdk.version}`);
    const tsVersion = JSON.parse(
      await readFile(join(REPO_ROOT, "node_modules/typescript/package.json"), "utf8"),
    );
    expect(pkg.devDependencies.typescript).toBe(`^${tsVersion.version}`);
    // Standalone: nothing points back into this repository.
    expect(await readFile(join(dir, "tsconfig.json"), "utf8")).not.toContain("extends");

    await run(process.execPath, [TSC, "-p", join(dir, "tsconfig.json")], { cwd: dir });
    // Plain output to match on: the outer vitest sets FORCE_COLOR for its workers.
    const { FORCE_COLOR: _colour, ...env } = process.env;
    const tested = await run(process.execPath, [VITEST, "run"], { cwd: dir, env: { ...env, NO_COLOR: "1" } });
    expect(tested.stdout).toMatch(/Tests\s+2 passed/);

    const configPath = join(workspace, "mcp-runtime.yaml");
    await writeFile(configPath, "plugins:\n  - { path: ./weather }\n");
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: serveArgs(configPath),
      stderr: "pipe",
    });
    const client = new Client({ name: "init-plugin-acceptance", version: "1.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.find((tool) => tool.name === "weather_greet")).toMatchObject({
        description: "Greet someone by name",
        annotations: { readOnlyHint: true, idempotentHint: true },
      });
      const result = await client.callTool({ name: "weather_greet", arguments: { name: "Ada" } });
      expect(result.isError ?? false).toBe(false);
      expect(result.content).toEqual([{ type: "text", text: "Hello, Ada!" }]);
    } finally {
      await client.close();
    }
  }, 180_000);

  it("puts the plugin under plugins/ at the root of a workspace that has plugins/*", async () => {
    const root = await mkdtemp(join(workspace, "monorepo-"));
    await writeFile(join(root, "package.json"), JSON.stringify({ private: true, workspaces: ["plugins/*"] }));
    const io = captureIo();
    expect(await initIn(root, "clock", { json: true }, io)).toBe(0);
    const result = JSON.parse(io.out);
    expect(result).toMatchObject({
      package: "clock",
      plugin: "clock",
      tool: "clock_greet",
      dir: join(root, "plugins", "clock"),
      config: { plugins: [{ path: "./plugins/clock" }] },
    });
    expect(result.files).toEqual(
      expect.arrayContaining([
        "package.json",
        "tsconfig.json",
        "src/index.ts",
        "test/clock.test.ts",
        "README.md",
        ".gitignore",
      ]),
    );
    expect(result.next).toContain("npm install");
    expect(JSON.parse(await readFile(join(root, "plugins/clock/package.json"), "utf8")).name).toBe("clock");
  });

  it("runs as `mcp-runtime init plugin` with the same exit codes and JSON on stdout", async () => {
    const cli = (...args: string[]) =>
      run(process.execPath, [CLI_PATH, "init", "plugin", ...args], { cwd: workspace }).then(
        ({ stdout }) => ({ code: 0, stdout, stderr: "" }),
        (failure: { code: number; stdout: string; stderr: string }) => failure,
      );
    const made = await cli("@acme/cli-made", "--json", "--description", "From the CLI");
    expect(made.code).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({
      package: "@acme/cli-made",
      dir: join(workspace, "cli-made"),
    });
    const again = await cli("@acme/cli-made");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("cli-made exists and is not empty");
    const invalid = await cli("Not Valid");
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('invalid plugin name "Not Valid"');
  }, 60_000);

  it("refuses an invalid npm name with a usage error (exit 2) and writes nothing", async () => {
    for (const name of ["Weather", "my plugin", "_private", "@scope/", "fs", "a/b/c"]) {
      const io = captureIo();
      expect(await initIn(workspace, name, { dir: join(workspace, "never") }, io), name).toBe(2);
      expect(io.err).toContain("invalid plugin name");
    }
    await expect(readFile(join(workspace, "never", "package.json"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses a non-empty folder (exit 1) unless --force is given", async () => {
    const dir = join(workspace, "taken");
    await mkdir(dir);
    await writeFile(join(dir, "notes.txt"), "mine");
    const io = captureIo();
    expect(await initIn(workspace, "taken", { dir }, io)).toBe(1);
    expect(io.err).toContain("exists and is not empty (pass --force");
    await expect(readFile(join(dir, "package.json"))).rejects.toThrow(/ENOENT/);

    expect(await initIn(workspace, "taken", { dir, force: true }, captureIo())).toBe(0);
    expect(JSON.parse(await readFile(join(dir, "package.json"), "utf8")).name).toBe("taken");
    expect(await readFile(join(dir, "notes.txt"), "utf8")).toBe("mine");
  });
});
