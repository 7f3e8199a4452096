/**
 * Issue 17's acceptance: 100 calls recorded against plugin v1 and replayed against plugin v2 are
 * reported as exactly the calls whose results changed, each with the right verdict; replayed
 * against v1 they are all identical. Recorded through the real path (runtime with
 * `telemetry.capture` → sidecar → capture files); real runtimes over HTTP; the CLI as a subprocess.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpRuntime } from "../../runtime/test/support/http-runtime.js";
import { assertBuilt } from "../../runtime/test/support/paths.js";
import { listCaptureFiles } from "../src/capture/files.js";
import { readCaptured } from "../src/capture/index.js";
import type { ReplayReport } from "../src/replay/index.js";
import {
  callAll,
  type Input,
  runReplayCli,
  startCapturedRuntime,
  startCapturingSidecar,
  startFixtureRuntime,
  waitForCaptured,
} from "./fixtures/replay/harness.js";

/** Call i of 100: tool by i % 3 (two calls of an unknown tool), arguments chosen to hit each v2 rule. */
function input(i: number): Input {
  if (i === 50 || i === 77) return { tool: "missing", arguments: { i } };
  switch (i % 3) {
    case 0:
      return {
        tool: "echo",
        arguments: { text: i % 4 === 0 ? `loud ${i}` : i % 10 === 1 ? `split ${i}` : `plain ${i}` },
      };
    case 1:
      return { tool: "sum", arguments: { a: i, b: i + 1 } };
    default:
      return { tool: "lookup", arguments: { key: i === 5 ? "slow" : i % 4 === 1 ? `img${i}` : `k${i}` } };
  }
}

/** The verdict v2 must earn, from plugin-v2/index.js's rules; undefined: identical. */
function expectedVerdict({ tool, arguments: args }: Input): string | undefined {
  if (tool === "echo") {
    const text = args.text as string;
    if (text.includes("split")) return "different";
    return text.includes("loud") ? "same-shape" : undefined;
  }
  if (tool === "sum") {
    const a = args.a as number;
    if (a > 0 && a % 11 === 0) return "different";
    return a % 7 === 0 ? "same-shape" : undefined;
  }
  if (tool === "lookup") {
    const key = args.key as string;
    if (key === "slow") return "error";
    return key.startsWith("img") ? "different" : undefined;
  }
  return undefined; // the unknown tool fails with the same JSON-RPC error code on both
}

const inputs = Array.from({ length: 100 }, (_, i) => input(i));
const key = (tool: string, args: unknown) => `${tool} ${JSON.stringify(args)}`;
let root: string;
let dir: string;
/** the capture id of input i */
let ids: string[];
/** between the capture times of the first 50 calls and the last 50 */
let split: number;
let v1: HttpRuntime;
let v2: HttpRuntime;

beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(join(tmpdir(), "mcp-replay-acceptance-"));
  // Record through the real path: a runtime with telemetry.capture sends its calls to the sidecar,
  // which writes them to its capture store.
  const sidecar = await startCapturingSidecar(root);
  dir = sidecar.captureDir;
  const capturing = await startCapturedRuntime(sidecar.wsUrl, ["echo", "sum", "lookup", "missing"]);
  try {
    await callAll(capturing.url, inputs.slice(0, 50));
    await waitForCaptured(dir, 50);
    await new Promise((resolve) => setTimeout(resolve, 20));
    split = Date.now();
    await callAll(capturing.url, inputs.slice(50));
    const byInput = new Map(
      (await waitForCaptured(dir, 100)).map((record) => [key(record.tool, record.arguments), record]),
    );
    ids = inputs.map((each) => byInput.get(key(each.tool, each.arguments))?.id ?? "not captured");
  } finally {
    // stopped before replaying, so the replays are not captured too
    await capturing.stop();
    await sidecar.stop();
  }
  [v1, v2] = await Promise.all([startFixtureRuntime("v1"), startFixtureRuntime("v2")]);
}, 60_000);

afterAll(async () => {
  await Promise.all([v1?.stop(), v2?.stop()]);
  await rm(root, { recursive: true, force: true });
});

function expectedChanges(
  selected: (input: Input, i: number) => boolean = () => true,
): Record<string, string> {
  const changes: Record<string, string> = {};
  inputs.forEach((each, i) => {
    const verdict = expectedVerdict(each);
    if (verdict !== undefined && selected(each, i)) changes[ids[i] as string] = verdict;
  });
  return changes;
}

function reported(report: ReplayReport): Record<string, string> {
  return Object.fromEntries(report.calls.map((call) => [call.id, call.verdict]));
}

describe("replay of 100 recorded calls (acceptance)", () => {
  it("captured each of the 100 calls once, across several rotated capture files", async () => {
    expect(new Set(ids).size).toBe(100);
    expect(ids).not.toContain("not captured");
    expect((await listCaptureFiles(dir)).length).toBeGreaterThan(1);
    for await (const record of readCaptured(dir)) expect(record.node).not.toBe("");
  });

  it("against the changed plugin reports exactly the calls whose results changed, with their verdicts, and exits 1", async () => {
    const run = await runReplayCli(["--against", v2.url, "--dir", dir, "--json", "--timeout-ms", "1500"]);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as ReplayReport;
    const expected = expectedChanges();
    // every kind of change is exercised
    expect(new Set(Object.values(expected))).toEqual(new Set(["same-shape", "different", "error"]));
    expect(reported(report), JSON.stringify(report.calls)).toEqual(expected);
    const count = (verdict: string) => Object.values(expected).filter((each) => each === verdict).length;
    expect(report.summary).toMatchObject({
      calls: 100,
      replayed: 100,
      skipped: 0,
      identical: 100 - Object.keys(expected).length,
      sameShape: count("same-shape"),
      different: count("different"),
      error: count("error"),
      divergent: Object.keys(expected).length,
    });
    expect(report.tools.map((tool) => tool.tool)).toEqual(["echo", "lookup", "missing", "sum"]);
    expect(report.tools.find((tool) => tool.tool === "missing")).toMatchObject({ calls: 2, identical: 2 });
    for (const call of report.calls) expect(call.path, JSON.stringify(call)).toBeDefined();
  });

  it("names the first differing JSON path with the values before and after", async () => {
    const run = await runReplayCli(["--against", v2.url, "--dir", dir, "--json", "--tool", "sum"]);
    const report = JSON.parse(run.stdout) as ReplayReport;
    const seven = report.calls.find((call) => call.id === ids[7]);
    expect(seven).toEqual({
      id: ids[7],
      tool: "sum",
      verdict: "same-shape",
      path: "$.content[0].text",
      before: '"15"',
      after: '"16"',
    });
    const twentyTwo = report.calls.find((call) => call.id === ids[22]);
    expect(twentyTwo).toMatchObject({
      verdict: "different",
      path: "$.isError",
      before: "(absent)",
      after: "true",
    });
  });

  it("against the unchanged plugin finds every call identical and exits 0", async () => {
    const run = await runReplayCli(["--against", v1.url, "--dir", dir, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as ReplayReport;
    expect(report.summary).toMatchObject({ calls: 100, identical: 100, divergent: 0 });
    expect(report.calls).toEqual([]);
  });

  it("--tool replays only that tool's calls", async () => {
    const run = await runReplayCli(["--against", v2.url, "--dir", dir, "--json", "--tool", "echo"]);
    const report = JSON.parse(run.stdout) as ReplayReport;
    expect(report.summary.calls).toBe(inputs.filter((each) => each.tool === "echo").length);
    expect(report.tools.map((tool) => tool.tool)).toEqual(["echo"]);
    expect(reported(report), JSON.stringify(report.calls)).toEqual(
      expectedChanges((each) => each.tool === "echo"),
    );
    expect(run.code).toBe(1);
  });

  it("--since (an ISO time or a duration) replays only the calls captured at or after it", async () => {
    const secondHalf = new Set(ids.slice(50));
    const iso = await runReplayCli([
      "--against",
      v2.url,
      "--dir",
      dir,
      "--json",
      "--since",
      new Date(split).toISOString(),
    ]);
    const recent = JSON.parse(iso.stdout) as ReplayReport;
    expect(recent.summary.calls).toBe(50);
    expect(reported(recent), JSON.stringify(recent.calls)).toEqual(
      expectedChanges((_each, i) => secondHalf.has(ids[i] as string)),
    );
    const hour = await runReplayCli([
      "--against",
      v2.url,
      "--dir",
      dir,
      "--json",
      "--since",
      "1h",
      "--tool",
      "sum",
    ]);
    expect((JSON.parse(hour.stdout) as ReplayReport).summary.calls).toBe(33);
    const future = await runReplayCli(["--against", v2.url, "--dir", dir, "--since", "2999-01-01"]);
    expect(future.code).toBe(4);
  });

  it("prints a table per tool, one line per divergent call and a summary line without --json", async () => {
    const run = await runReplayCli(["--against", v2.url, "--dir", dir, "--tool", "sum"]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^tool\s+calls\s+identical\s+same shape\s+different\s+error\s+skipped$/);
    expect(lines[1]).toMatch(/^sum\s+33\s+25\s+5\s+3\s+0\s+0$/);
    expect(lines).toContain(`${ids[7]}  sum  same-shape  $.content[0].text: "15" -> "16"`);
    expect(run.stdout).toMatch(
      /replayed 33 of 33 captured calls against .*: 25 identical, 5 same shape, 3 different, 0 error, 0 skipped \(redacted inputs cannot be replayed\); 8 divergent\n$/,
    );
  });
});
