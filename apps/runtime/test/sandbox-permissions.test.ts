/**
 * Acceptance (issue 5): the runtime refuses a plugin whose package.json asks for more than the
 * config grants, naming what is missing; `mcp-runtime plugins list` shows asks and grants.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt, CLI_PATH } from "./support/paths.js";

const HOSTILE = fileURLToPath(new URL("./fixtures/hostile", import.meta.url));
let dir: string;

async function configFile(name: string, config: Record<string, unknown>): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify({ telemetry: { logLevel: "warn" }, ...config }));
  return file;
}

beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), "mcp-runtime-perms-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("plugin permissions", () => {
  it("refuses to start a plugin that asks for net hosts and env vars the config does not grant", async () => {
    await expect(
      startHttpRuntime({ plugins: [{ path: HOSTILE, id: "hostile", sandbox: { net: { allow: ["*"] } } }] }),
    ).rejects.toThrow(
      /plugin \\?"hostile\\?" asks for permissions the config does not grant: net \\?"localhost\\?" \(add it to sandbox.net.allow\); env \\?"GRANTED_VAR\\?" \(add it to sandbox.env\)/,
    );
  });

  it("plugins list prints id, package, version, asks and grants, and exits 1 when a grant is missing", async () => {
    const file = await configFile("list.json", {
      plugins: [
        { package: "@mcp-runtime/plugin-fs", id: "files", config: { root: "." } },
        { path: HOSTILE, id: "hostile", sandbox: { env: ["GRANTED_VAR"] } },
      ],
    });
    const run = spawnSync(process.execPath, [CLI_PATH, "plugins", "list", "--config", file], {
      encoding: "utf8",
    });
    expect(run.stdout).toContain("files  @mcp-runtime/plugin-fs@0.1.0  sandbox: worker");
    expect(run.stdout).toMatch(/asks: {4}fs\.read config\.root, config\.roots; fs\.write -; net -; env -/);
    expect(run.stdout).toMatch(
      /granted: fs\.read config\.root="[^"]+"; fs\.write -; net -; env -\n {2}status: {2}ok/,
    );
    expect(run.stdout).toContain("hostile  hostile-fixture-plugin@?  sandbox: worker");
    expect(run.stdout).toMatch(/asks: {4}fs\.read -; fs\.write -; net \*, localhost; env GRANTED_VAR/);
    expect(run.stdout).toContain(
      'status:  REFUSED, missing net "*" (add it to sandbox.net.allow); net "localhost"',
    );
    expect(run.status).toBe(1);
  });
});
