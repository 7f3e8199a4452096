/**
 * Issue 17 (runtime side): what an eval run reports, in process against a real runtime (the
 * fixture plugin in its sandbox): each kind of expectation, a tool error (failing unless expected),
 * a JSON-RPC error's message, a timeout, reasons kept to one bounded line, and runs that never overlap.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type EvalCheck, validateConfig } from "@mcp-runtime/config";
import type { AuditEvent, EvalResultEvent } from "@mcp-runtime/telemetry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EvalRunner } from "../src/evals/eval-runner.js";
import { createLogger } from "../src/logger.js";
import { createRuntime, type Runtime } from "../src/runtime.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/evals", import.meta.url));

let dir: string;
let runtime: Runtime;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcp-runtime-eval-runner-"));
  const loaded = validateConfig({ plugins: [{ path: FIXTURE }], telemetry: { logLevel: "error" } });
  if (!loaded.ok) throw new Error("fixture config invalid");
  runtime = await createRuntime({
    config: loaded.config,
    baseDir: dir,
    logger: createLogger({ level: "error" }),
  });
});
afterAll(async () => {
  await runtime?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function evalsOf(checks: unknown[], timeoutMs = 5_000) {
  const loaded = validateConfig({ evals: { intervalSeconds: 3_600, timeoutMs, checks } });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  return loaded.config.evals;
}

async function runOnce(checks: unknown[], timeoutMs?: number): Promise<Map<string, EvalResultEvent>> {
  const events: AuditEvent[] = [];
  const runner = new EvalRunner(
    {
      server: runtime.server,
      audit: (e) => events.push(e),
      metrics: runtime.metrics,
      logger: runtime.logger,
    },
    evalsOf(checks, timeoutMs),
  );
  try {
    await runner.run("operator");
  } finally {
    runner.close();
  }
  const results = events.filter((e): e is EvalResultEvent => e.type === "eval_result");
  return new Map(results.map((e) => [e.eval, e]));
}

const check = (name: string, tool: string, args: object, expect: object): Partial<EvalCheck> => ({
  name,
  tool,
  arguments: args as Record<string, unknown>,
  expect: expect as EvalCheck["expect"],
});

describe("eval outcomes", () => {
  it("compare only the given result fields, validate structuredContent with a schema, and match text", async () => {
    const results = await runOnce([
      check(
        "result",
        "greet",
        { name: "Ada" },
        { result: { content: [{ type: "text", text: "Hello, Ada!" }] } },
      ),
      check(
        "result-differs",
        "greet",
        { name: "Bob" },
        { result: { content: [{ type: "text", text: "Hi" }] } },
      ),
      check(
        "schema",
        "profile",
        {},
        { schema: { type: "object", required: ["user"], properties: { plan: { const: "pro" } } } },
      ),
      check(
        "schema-fails",
        "profile",
        {},
        { schema: { type: "object", properties: { plan: { const: "free" } } } },
      ),
      check("match", "big", { size: 3 }, { match: "^x{3}$" }),
    ]);
    expect([...results.values()].map((e) => [e.eval, e.status, e.trigger])).toEqual(
      expect.arrayContaining([
        ["result", "pass", "operator"],
        ["result-differs", "fail", "operator"],
        ["schema", "pass", "operator"],
        ["schema-fails", "fail", "operator"],
        ["match", "pass", "operator"],
      ]),
    );
    expect(results.get("result-differs")?.reason).toBe(
      'result.content differs: expected [{"type":"text","text":"Hi"}], got [{"type":"text","text":"Hello, Bob!"}]',
    );
    expect(results.get("schema-fails")?.reason).toMatch(
      /^structuredContent does not match the schema: plan /,
    );
    for (const event of results.values()) expect(event.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("fail on a tool error unless expected, on a JSON-RPC error with its message, and on a timeout", async () => {
    const results = await runOnce(
      [
        check("tool-error", "fails", {}, { match: "." }),
        check("tool-error-expected", "fails", {}, { result: { isError: true } }),
        check("unknown-tool", "nope", {}, { match: "." }),
        check("slow", "slow", { ms: 5_000 }, { match: "done" }),
      ],
      300,
    );
    expect(results.get("tool-error")).toMatchObject({ status: "fail" });
    expect(results.get("tool-error")?.reason).toMatch(/^the tool returned an error: .*out of order/);
    expect(results.get("tool-error-expected")).toMatchObject({ status: "pass" });
    expect(results.get("unknown-tool")).toMatchObject({
      status: "fail",
      reason: expect.stringContaining("nope"),
    });
    expect(results.get("slow")).toMatchObject({ status: "fail", reason: "timed out after 300 ms" });
  });

  it("keep a reason to one line of at most 500 characters", async () => {
    const results = await runOnce([check("long", "big", { size: 2_000 }, { result: { content: [] } })]);
    const reason = results.get("long")?.reason ?? "";
    expect(reason.length).toBeLessThanOrEqual(500);
    expect(reason).not.toMatch(/\n/);
  });
});

describe("eval runs", () => {
  it("never overlap: a tick during a run is skipped, a reload's run follows it with the new checks", async () => {
    const events: AuditEvent[] = [];
    const runner = new EvalRunner(
      {
        server: runtime.server,
        audit: (e) => events.push(e),
        metrics: runtime.metrics,
        logger: runtime.logger,
      },
      evalsOf([check("slow", "slow", { ms: 300 }, { match: "done" })]),
    );
    try {
      const first = runner.run("start");
      expect(runner.run("schedule")).toBe(first);
      runner.configure(evalsOf([check("quick", "greet", { name: "Ada" }, { match: "Ada" })]));
      void runner.run("config");
      await first;
      await new Promise((resolve) => setTimeout(resolve, 200));
      const results = events.filter((e): e is EvalResultEvent => e.type === "eval_result");
      expect(results.map((e) => [e.eval, e.trigger, e.status])).toEqual([
        ["slow", "start", "pass"],
        ["quick", "config", "pass"],
      ]);
      // The removed check left the table; the new one is there with its outcome.
      expect(runner.latest()).toEqual([
        expect.objectContaining({ eval: "quick", tool: "greet", status: "pass", passes: 1, failures: 0 }),
      ]);
    } finally {
      runner.close();
    }
  });
});
