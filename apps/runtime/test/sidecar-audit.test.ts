/**
 * Acceptance (issue 13, points 3 and 5): a runtime and the real `mcp-sidecar`, each started by its
 * CLI. 10,000 tool calls under load become 10,000 audit records that `mcp-sidecar audit verify`
 * accepts, and an edited line is caught and named. With the sidecar stopped the runtime keeps
 * serving and buffers; restarted on the same port, the sidecar receives the buffered events and
 * the chain verifies with no gap.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt } from "./support/paths.js";
import { sample, scrape } from "./support/prometheus.js";
import { startSidecarProcess } from "./support/sidecar-process.js";
import { auditVerify, callEchoMany, readRecords, waitUntil } from "./support/sidecar-run.js";

assertBuilt();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcp-sidecar-audit-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function sidecarConfig(name: string): Promise<{ file: string; auditDir: string }> {
  const auditDir = join(dir, name, "audit");
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `audit:\n  dir: ./${name}/audit\n  checkpointEvery: 500\n`);
  return { file, auditDir };
}

describe("audit trail of tool calls", () => {
  it("writes 10,000 calls made under load as a chain that verifies, and names an edited line", async () => {
    const { file, auditDir } = await sidecarConfig("load");
    const sidecar = await startSidecarProcess(["--config", file], auditDir);
    const runtime = await startHttpRuntime({
      plugins: [{ package: "@mcp-runtime/plugin-echo" }],
      telemetry: { logLevel: "warn", sidecar: sidecar.wsUrl },
    });
    let failures: string[];
    try {
      failures = await callEchoMany(runtime.url, 10_000, 32);
    } finally {
      expect(await runtime.stop()).toBe(0);
      expect(await sidecar.stop()).toBe(0);
    }
    expect(failures).toEqual([]);
    const files = await sidecar.auditFiles();
    const verified = await auditVerify(files);
    expect(verified.stderr).toBe("");
    expect(verified.code).toBe(0);
    const records = await readRecords(files);
    expect(verified.stdout.trim()).toBe(`ok: ${records.length} records`);
    const calls = records.filter((r) => r.type === "tool_call");
    expect(calls).toHaveLength(10_000);
    expect(calls[0]).toMatchObject({ tool: "echo", plugin: "echo", era: "modern", outcome: "ok" });
    expect(JSON.stringify(calls)).not.toContain('"n1"'); // inputs are not audited
    expect(records.filter((r) => r.type === "checkpoint").length).toBeGreaterThanOrEqual(20);

    // One edited line: the verifier exits 1 and names file and line.
    const target = files[files.length - 1] as string;
    const lines = (await readFile(target, "utf8")).split("\n");
    const index = lines.findIndex((l) => l.includes('"tool_call"'));
    lines[index] = (lines[index] as string).replace('"outcome":"ok"', '"outcome":"error"');
    await writeFile(target, lines.join("\n"));
    const tampered = await auditVerify(files);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout + tampered.stderr).toContain(`${basename(target)}:${index + 1}:`);
  }, 120_000);
});

describe("audit trail of authentication failures", () => {
  it("records each refused request with its status and reason, never the token", async () => {
    const { file, auditDir } = await sidecarConfig("auth");
    const sidecar = await startSidecarProcess(["--config", file], auditDir);
    const token = "audit-test-token-4471";
    const sha256 = createHash("sha256").update(token).digest("hex");
    const runtime = await startHttpRuntime({
      plugins: [{ package: "@mcp-runtime/plugin-echo" }],
      auth: { mode: "tokens", tokens: [{ sha256, subject: "alice", scopes: [] }] },
      telemetry: { logLevel: "warn", sidecar: sidecar.wsUrl },
    });
    try {
      const post = (authorization?: string) =>
        fetch(runtime.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            ...(authorization ? { authorization } : {}),
          },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
        });
      expect((await post()).status).toBe(401);
      expect((await post("Bearer wrong-token-value")).status).toBe(401);
    } finally {
      expect(await runtime.stop()).toBe(0);
      expect(await sidecar.stop()).toBe(0);
    }
    const files = await sidecar.auditFiles();
    expect((await auditVerify(files)).code).toBe(0);
    const failures = (await readRecords(files)).filter((r) => r.type === "auth_failure");
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({ status: 401 });
    expect(typeof failures[0]?.reason).toBe("string");
    expect(JSON.stringify(failures)).not.toContain("wrong-token-value");
  }, 60_000);
});

describe("sidecar down", () => {
  it("keeps serving while the sidecar is away, buffers, and delivers the buffer when it returns", async () => {
    const { file, auditDir } = await sidecarConfig("down");
    let sidecar = await startSidecarProcess(["--config", file], auditDir);
    const port = new URL(sidecar.url).port;
    const runtime = await startHttpRuntime({
      plugins: [{ package: "@mcp-runtime/plugin-echo" }],
      telemetry: { logLevel: "warn", sidecar: sidecar.wsUrl },
    });
    const metricsUrl = new URL("/metrics", runtime.url).href;
    try {
      expect(await callEchoMany(runtime.url, 100, 8)).toEqual([]);
      await waitUntil(
        async () => sample(await scrape(metricsUrl), "mcp_audit_buffer_events") === 0,
        5_000,
        "first calls acknowledged",
      );
      expect(await sidecar.stop()).toBe(0);
      await waitUntil(
        async () => sample(await scrape(metricsUrl), "mcp_sidecar_connected") === 0,
        5_000,
        "runtime to see the sidecar gone",
      );

      expect(await callEchoMany(runtime.url, 300, 8)).toEqual([]);
      const buffered = await scrape(metricsUrl);
      expect(sample(buffered, "mcp_audit_buffer_events")).toBe(300);
      expect(runtime.stderr()).toContain("sidecar unreachable");

      sidecar = await startSidecarProcess(["--config", file, "--port", port], auditDir);
      await waitUntil(
        async () => sample(await scrape(metricsUrl), "mcp_audit_buffer_events") === 0,
        15_000,
        "buffer delivered",
      );
      expect(sample(await scrape(metricsUrl), "mcp_sidecar_connected")).toBe(1);
      expect(await callEchoMany(runtime.url, 50, 8)).toEqual([]);
    } finally {
      expect(await runtime.stop()).toBe(0);
      expect(await sidecar.stop()).toBe(0);
    }
    const files = await sidecar.auditFiles();
    const verified = await auditVerify(files);
    expect(verified.code).toBe(0);
    const calls = (await readRecords(files)).filter((r) => r.type === "tool_call");
    expect(calls).toHaveLength(450);
  }, 90_000);
});
