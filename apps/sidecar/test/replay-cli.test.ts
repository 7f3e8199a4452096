/**
 * `mcp-sidecar replay` as a subprocess: redacted calls skipped, --allow-shape, the capture folder
 * from the sidecar config, the bearer token from MCP_REPLAY_TOKEN, and the exit codes 2, 3 and 4.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpRuntime } from "../../runtime/test/support/http-runtime.js";
import { assertBuilt } from "../../runtime/test/support/paths.js";
import type { ReplayReport } from "../src/replay/index.js";
import { recordCalls, runReplayCli, startFixtureRuntime } from "./fixtures/replay/harness.js";

const TOKEN = "replay-test-token-0123456789";
let root: string;
/** echo "a", echo "[redacted]" (as the runtime's redaction leaves it), echo "b" */
let redactedDir: string;
/** one echo call whose arguments are all redacted */
let allRedactedDir: string;
/** sum 7 + 8: plugin v2 answers 16 (same shape) */
let sameShapeDir: string;
let emptyDir: string;
let v1: HttpRuntime;
let v2: HttpRuntime;
let guarded: HttpRuntime;

beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), "mcp-replay-cli-"));
  [redactedDir, allRedactedDir, sameShapeDir, emptyDir] = [
    "redacted",
    "all-redacted",
    "same-shape",
    "empty",
  ].map((name) => join(root, name)) as [string, string, string, string];
  await mkdir(emptyDir);
  const sha256 = createHash("sha256").update(TOKEN).digest("hex");
  [v1, v2, guarded] = await Promise.all([
    startFixtureRuntime("v1"),
    startFixtureRuntime("v2"),
    startFixtureRuntime("v1", { auth: { mode: "tokens", tokens: [{ sha256, subject: "ci", scopes: [] }] } }),
  ]);
  await recordCalls(v1.url, redactedDir, [
    { tool: "echo", arguments: { text: "a" } },
    { tool: "echo", arguments: { text: "[redacted]" } },
    { tool: "echo", arguments: { text: "b" } },
  ]);
  await recordCalls(v1.url, allRedactedDir, [{ tool: "echo", arguments: { text: "[redacted]" } }]);
  await recordCalls(v1.url, sameShapeDir, [{ tool: "sum", arguments: { a: 7, b: 8 } }]);
}, 60_000);

afterAll(async () => {
  await Promise.all([v1?.stop(), v2?.stop(), guarded?.stop()]);
  await rm(root, { recursive: true, force: true });
});

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/mcp`;
}

describe("mcp-sidecar replay", () => {
  it("skips calls whose captured arguments hold [redacted] and says so in the summary", async () => {
    const run = await runReplayCli(["--against", v1.url, "--dir", redactedDir, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as ReplayReport;
    expect(report.summary).toMatchObject({ calls: 3, replayed: 2, identical: 2, skipped: 1, divergent: 0 });
    expect(report.calls).toEqual([{ id: expect.any(String), tool: "echo", verdict: "skipped" }]);
    const text = await runReplayCli(["--against", v1.url, "--dir", redactedDir]);
    expect(text.stdout).toContain(
      "2 identical, 0 same shape, 0 different, 0 error, 1 skipped (redacted inputs cannot be replayed)",
    );
  });

  it("exits 4 when nothing was replayed: no captured call matched, or every one was skipped", async () => {
    expect((await runReplayCli(["--against", v1.url, "--dir", emptyDir])).code).toBe(4);
    expect((await runReplayCli(["--against", v1.url, "--dir", redactedDir, "--tool", "nope"])).code).toBe(4);
    const skipped = await runReplayCli(["--against", v1.url, "--dir", allRedactedDir, "--json"]);
    expect(skipped.code).toBe(4);
    expect((JSON.parse(skipped.stdout) as ReplayReport).summary).toMatchObject({
      calls: 1,
      skipped: 1,
      replayed: 0,
    });
  });

  it("counts same-shape as divergence (exit 1) unless --allow-shape (exit 0)", async () => {
    const strict = await runReplayCli(["--against", v2.url, "--dir", sameShapeDir]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/ {2}sum {2}same-shape {2}\$\.content\[0\]\.text: "15" -> "16"\n/);
    const allowed = await runReplayCli([
      "--against",
      v2.url,
      "--dir",
      sameShapeDir,
      "--allow-shape",
      "--json",
    ]);
    expect(allowed.code).toBe(0);
    expect((JSON.parse(allowed.stdout) as ReplayReport).summary).toMatchObject({
      sameShape: 1,
      divergent: 0,
    });
  });

  it("reads the capture folder from the sidecar config (--config or MCP_SIDECAR_CONFIG)", async () => {
    const configDir = join(root, "config");
    await mkdir(configDir, { recursive: true });
    const config = join(configDir, "sidecar.json");
    // relative to the config file's folder, as the sidecar resolves it
    await writeFile(config, JSON.stringify({ capture: { dir: "../same-shape" } }));
    const viaFlag = await runReplayCli(["--against", v2.url, "--config", config, "--json"]);
    expect((JSON.parse(viaFlag.stdout) as ReplayReport).summary).toMatchObject({ calls: 1, sameShape: 1 });
    const viaEnv = await runReplayCli(["--against", v2.url, "--json"], { MCP_SIDECAR_CONFIG: config });
    expect((JSON.parse(viaEnv.stdout) as ReplayReport).summary).toMatchObject({ calls: 1, sameShape: 1 });
    const invalid = join(configDir, "invalid.json");
    await writeFile(invalid, JSON.stringify({ capture: { folder: "x" } }));
    const bad = await runReplayCli(["--against", v2.url, "--config", invalid]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("capture");
  });

  it("sends MCP_REPLAY_TOKEN as the bearer token, and exits 3 when no session can be opened", async () => {
    const without = await runReplayCli(["--against", guarded.url, "--dir", redactedDir]);
    expect(without.code).toBe(3);
    expect(without.stderr).toMatch(/no session with .*initialize failed: HTTP 401/);
    const withToken = await runReplayCli(["--against", guarded.url, "--dir", redactedDir], {
      MCP_REPLAY_TOKEN: TOKEN,
    });
    expect(withToken.code, withToken.stderr).toBe(0);
    const unreachable = await runReplayCli(["--against", await closedPortUrl(), "--dir", redactedDir]);
    expect(unreachable.code).toBe(3);
  });

  it("exits 2 on usage errors, naming the flag", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--dir", redactedDir], /--against URL is required/],
      [["--against", "ftp://x/mcp", "--dir", redactedDir], /--against must be an http\(s\) URL/],
      [["--against", v1.url, "--dir", redactedDir, "--since", "yesterday"], /--since must be/],
      [["--against", v1.url, "--dir", redactedDir, "--concurrency", "0"], /--concurrency must be/],
      [["--against", v1.url, "--dir", redactedDir, "--timeout-ms", "-5"], /--timeout-ms/],
      [["--against", v1.url, "--dir", redactedDir, "--config", "x.yaml"], /--dir or --config, not both/],
      [["--against", v1.url, "--dir", join(root, "missing")], /cannot read the capture folder/],
      [["--against", v1.url, "--token", "secret"], /Unknown option '--token'/],
    ];
    for (const [args, message] of cases) {
      const run = await runReplayCli(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    const help = await runReplayCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes: 0 no divergence, 1 divergence");
  });
});
