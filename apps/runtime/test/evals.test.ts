/**
 * Issue 17 (runtime side): evals run through the runtime's own protocol path. The real CLI serves
 * a config with checks on the echo plugin and on a fixture plugin whose answer follows its plugin
 * config; a stand-in sidecar (support/stand-in-sidecar.ts, not `mcp-sidecar`) receives the audit
 * events and status frames and sends an operator's `run-evals`. A hot reload (SIGHUP) that changes
 * the fixture's config makes its eval fail: `mcp_eval_passing` turns 0 within one interval and the
 * failure is audited with its reason.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AdminActionEvent, EvalResultEvent } from "@mcp-runtime/telemetry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt } from "./support/paths.js";
import { sample, scrape } from "./support/prometheus.js";
import { startSidecarProcess } from "./support/sidecar-process.js";
import { auditVerify, readRecords } from "./support/sidecar-run.js";
import { eventually, type StandInSidecar, startStandInSidecar } from "./support/stand-in-sidecar.js";

assertBuilt();

const FIXTURE = fileURLToPath(new URL("./fixtures/evals", import.meta.url));

let dir: string;
let sidecar: StandInSidecar;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcp-runtime-evals-"));
  sidecar = await startStandInSidecar();
});
afterAll(async () => {
  await sidecar?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function configYaml(greeting: string, extraCheck = true, sidecarUrl = sidecar.url): string {
  return `
telemetry:
  logLevel: warn
  sidecar: "${sidecarUrl}"
plugins:
  - package: "@mcp-runtime/plugin-echo"
  - path: ${JSON.stringify(FIXTURE)}
    config: { greeting: ${JSON.stringify(greeting)} }
evals:
  intervalSeconds: 1
  timeoutMs: 5000
  checks:
    - name: echo-hello
      tool: echo
      arguments: { text: hello }
      expect:
        result: { content: [{ type: text, text: hello }] }
    - name: greet-ada
      tool: greet
      arguments: { name: Ada }
      expect: { match: "^Hello, Ada!$" }
${
  extraCheck
    ? `    - name: echo-shape
      tool: echo
      arguments: { text: shape }
      expect:
        schema: { type: object, required: [content], properties: { content: { type: array, minItems: 1 } } }
`
    : ""
}`;
}

const evalResults = () => sidecar.events().filter((e): e is EvalResultEvent => e.type === "eval_result");

describe("evals", () => {
  it("pass on start and on schedule, fail within one interval after a reload breaks one, follow removals, and run when an operator asks", async () => {
    const file = join(dir, "runtime.yaml");
    await writeFile(file, configYaml("Hello"));
    const runtime = await startHttpRuntime({}, [], { file });
    const metricsUrl = `http://127.0.0.1:${runtime.port}/metrics`;
    try {
      // The start run, then scheduled ones: every check passes.
      await eventually(
        () => evalResults().filter((e) => e.trigger === "schedule").length >= 3,
        10_000,
        "a scheduled run",
      );
      const first = evalResults().filter((e) => e.trigger === "start");
      expect(first.map((e) => [e.eval, e.tool, e.status]).sort()).toEqual([
        ["echo-hello", "echo", "pass"],
        ["echo-shape", "echo", "pass"],
        ["greet-ada", "greet", "pass"],
      ]);
      let families = await scrape(metricsUrl);
      for (const [name, tool] of [
        ["echo-hello", "echo"],
        ["greet-ada", "greet"],
        ["echo-shape", "echo"],
      ] as const) {
        expect(sample(families, "mcp_eval_passing", { eval: name, tool })).toBe(1);
        expect(sample(families, "mcp_eval_runs_total", { eval: name, tool, status: "pass" })).toBeGreaterThan(
          0,
        );
      }

      // The fixture now greets in French: its eval fails on the run that follows the reload.
      await writeFile(file, configYaml("Bonjour"));
      runtime.process.kill("SIGHUP");
      await eventually(
        () => sidecar.events().find((e) => e.type === "config_change" && e.status === "applied"),
        10_000,
        "the reload applied",
      );
      const applied = Date.now();
      await eventually(
        async () => sample(await scrape(metricsUrl), "mcp_eval_passing", { eval: "greet-ada" }) === 0,
        1_000 + 500,
        "mcp_eval_passing{eval=greet-ada} to turn 0",
      );
      expect(Date.now() - applied).toBeLessThan(1_500);
      const failed = evalResults().find((e) => e.eval === "greet-ada" && e.status === "fail");
      expect(failed?.trigger).toBe("config");
      expect(failed?.reason).toBe('text "Bonjour, Ada!" does not match /^Hello, Ada!$/');
      expect(runtime.stderr()).toContain('"msg":"eval failed"');
      families = await scrape(metricsUrl);
      expect(sample(families, "mcp_eval_passing", { eval: "echo-hello" })).toBe(1);
      expect(sample(families, "mcp_eval_runs_total", { eval: "greet-ada", status: "fail" })).toBeGreaterThan(
        0,
      );

      // A removed check leaves the gauge.
      await writeFile(file, configYaml("Bonjour", false));
      runtime.process.kill("SIGHUP");
      await eventually(
        async () =>
          (await scrape(metricsUrl))
            .find((f) => f.name === "mcp_eval_passing")
            ?.metrics.every((m) => m.labels?.eval !== "echo-shape"),
        5_000,
        "echo-shape to leave mcp_eval_passing",
      );

      // An operator's request: audited as an admin action, then a run with trigger "operator".
      sidecar.send({ type: "run-evals", actor: "ops@example.test" });
      await eventually(
        () => evalResults().filter((e) => e.trigger === "operator").length === 2,
        5_000,
        "the operator's run",
      );
      const action = sidecar
        .events()
        .find((e): e is AdminActionEvent => e.type === "admin_action" && e.action === "run-evals");
      expect(action?.actor).toBe("ops@example.test");

      // The next status frame carries the latest outcomes.
      const asked = Date.now();
      const status = await eventually(
        () => sidecar.statuses().find((s) => s.at > asked)?.status,
        2_000,
        "a status frame",
      );
      expect(status.evals.map((e) => [e.eval, e.status])).toEqual([
        ["echo-hello", "pass"],
        ["greet-ada", "fail"],
      ]);
      expect(status.evals[1]?.reason).toContain("Bonjour");
      expect(status.evals[1]?.failures).toBeGreaterThan(0);
    } finally {
      expect(await runtime.stop()).toBe(0);
    }
  }, 60_000);
});

describe("status frames", () => {
  it("arrive every second with sessions, sandboxes, evals and the config version filled", async () => {
    const file = join(dir, "status.yaml");
    await writeFile(file, configYaml("Hello"));
    const since = sidecar.frames.length;
    const runtime = await startHttpRuntime({}, [], { file });
    try {
      const statuses = await eventually(
        () => {
          const mine = sidecar.frames.slice(since).filter((f) => f.frame.type === "status");
          return mine.length >= 4 ? mine : undefined;
        },
        10_000,
        "four status frames",
      );
      const gaps = statuses.slice(1).map((s, i) => s.at - (statuses[i]?.at ?? 0));
      for (const gap of gaps) {
        expect(gap).toBeGreaterThan(700);
        expect(gap).toBeLessThan(1_500);
      }
      const last = statuses.at(-1)?.frame as Record<string, unknown>;
      expect(last).toMatchObject({
        type: "status",
        role: "serve",
        sessions: expect.any(Number),
        inFlight: expect.any(Number),
        configVersion: expect.stringMatching(/^[0-9a-f]{64}$/),
        startedAt: expect.any(Number),
        upstreams: [],
      });
      expect((last.sandboxes as { plugin: string }[]).map((s) => s.plugin).sort()).toEqual([
        "echo",
        "evals-fixture",
      ]);
      expect(last.sandboxes).toContainEqual(
        expect.objectContaining({ plugin: "echo", breaker: "closed", workers: expect.any(Number) }),
      );
      expect((last.evals as { eval: string }[]).map((e) => e.eval)).toEqual([
        "echo-hello",
        "greet-ada",
        "echo-shape",
      ]);
      expect(last.queue).toMatchObject({ waiting: expect.any(Number), active: expect.any(Number) });
    } finally {
      expect(await runtime.stop()).toBe(0);
    }
  }, 30_000);
});

describe("with the real sidecar", () => {
  it("keeps the connection through status frames and writes eval results to a chain that verifies", async () => {
    const auditDir = join(dir, "audit");
    const sidecarFile = join(dir, "sidecar.yaml");
    await writeFile(sidecarFile, "audit: { dir: ./audit }\n");
    const real = await startSidecarProcess(["--config", sidecarFile], auditDir);
    const file = join(dir, "real.yaml");
    await writeFile(file, configYaml("Hello", true, real.wsUrl));
    const runtime = await startHttpRuntime({}, [], { file });
    try {
      // Three status frames' worth of time: a sidecar refusing them would have closed the link.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const families = await scrape(`http://127.0.0.1:${runtime.port}/metrics`);
      expect(sample(families, "mcp_sidecar_connected")).toBe(1);
      expect(runtime.stderr()).not.toContain("sidecar unreachable");
    } finally {
      expect(await runtime.stop()).toBe(0);
      expect(await real.stop()).toBe(0);
    }
    const files = await real.auditFiles();
    expect((await auditVerify(files)).code).toBe(0);
    const results = (await readRecords(files)).filter((r) => r.type === "eval_result");
    expect(results.length).toBeGreaterThanOrEqual(6);
    expect(
      results
        .filter((r) => r.trigger === "start")
        .map((r) => [r.eval, r.status])
        .sort(),
    ).toEqual([
      ["echo-hello", "pass"],
      ["echo-shape", "pass"],
      ["greet-ada", "pass"],
    ]);
  }, 30_000);
});
