/**
 * The official MCP conformance suite (`@modelcontextprotocol/conformance`) against the real CLI
 * over HTTP with the conformance fixtures plugin. The suite needs Node 22, which `npx` fetches as
 * the `node` package from the npm registry (PEERS.md); the first run downloads it.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt } from "./support/paths.js";
import { startRedis, type TestRedis } from "./support/queue-redis.js";

interface Check {
  id: string;
  name?: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
  errorMessage?: string;
  details?: unknown;
}

interface ScenarioResult {
  scenario: string;
  checks: Check[];
}

const SUITE_TIMEOUT_MS = 420_000;

function runConformance(
  version: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "npx",
      [
        "-y",
        "-p",
        "node@22",
        "-p",
        `@modelcontextprotocol/conformance@${version}`,
        "--",
        "conformance",
        ...args,
      ],
      {
        cwd,
        env: { ...process.env, npm_config_yes: "true", NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

async function readResults(dir: string): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith("server-")) continue;
    const scenario = entry.name.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T.*$/, "");
    const checks = JSON.parse(await readFile(join(dir, entry.name, "checks.json"), "utf8")) as Check[];
    results.push({ scenario, checks });
  }
  return results;
}

/** A pass that came from an "unknown tool" answer proves nothing (PEERS.md). */
function hollowPasses(results: ScenarioResult[]): string[] {
  return results.flatMap(({ scenario, checks }) =>
    checks
      .filter(
        (c) => c.status === "SUCCESS" && /unknown tool|tool not found/i.test(JSON.stringify(c.details ?? "")),
      )
      .map((c) => `${scenario}/${c.id}`),
  );
}

function failures(results: ScenarioResult[]): string[] {
  return results.flatMap(({ scenario, checks }) =>
    checks.filter((c) => c.status === "FAILURE").map((c) => `${scenario}/${c.id}: ${c.errorMessage ?? ""}`),
  );
}

describe("official conformance suite over Streamable HTTP", () => {
  let workDir: string;
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startRedis();
    assertBuilt();
    workDir = await mkdtemp(join(tmpdir(), "mcp-conformance-"));
    // The suite's CLI wants a package.json above its working directory's parent in some versions.
    await writeFile(join(workDir, "package.json"), '{"private":true}\n');
  });

  afterAll(async () => {
    await redis?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  const suites = [
    { version: "0.1.16", args: [] as string[], label: "0.1.16 active suite (2025-era sessions)" },
    {
      version: "0.2.0-alpha.12",
      args: ["--requirements", "2026-07-28"],
      label: "0.2.0-alpha.12 --requirements 2026-07-28, tasks on the BullMQ queue",
      bullmq: true,
    },
  ];

  for (const suite of suites) {
    it(
      suite.label,
      async () => {
        let runtime: HttpRuntime | undefined;
        const outDir = join(workDir, `out-${suite.version}`);
        try {
          runtime = await startHttpRuntime({
            plugins: [{ package: "@mcp-runtime/plugin-conformance" }],
            ...("bullmq" in suite ? { queue: { backend: "bullmq" }, redis: { url: redis.url } } : {}),
          });
          // dns-rebinding-protection needs a localhost URL.
          const url = `http://localhost:${runtime.port}/mcp`;
          const run = await runConformance(
            suite.version,
            ["server", "--url", url, "-o", outDir, ...suite.args],
            workDir,
          );
          const results = await readResults(outDir);
          expect(results.length, `no results were written; suite output:\n${run.output}`).toBeGreaterThan(10);
          const failed = failures(results);
          expect(failed, run.output.slice(-4000)).toEqual([]);
          expect(hollowPasses(results)).toEqual([]);
          const counted = results.flatMap((r) => r.checks);
          const passed = counted.filter((c) => c.status === "SUCCESS").length;
          process.stderr.write(
            `conformance ${suite.version}: ${results.length} scenarios, ${passed}/${counted.filter((c) => c.status === "SUCCESS" || c.status === "FAILURE").length} scored checks passed, ${counted.filter((c) => c.status === "WARNING").length} warnings\n`,
          );
        } finally {
          await runtime?.stop();
        }
      },
      SUITE_TIMEOUT_MS,
    );
  }
});
