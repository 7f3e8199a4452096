/**
 * Issue 17 (runtime side): call capture for replay. The real CLI captures the calls of the tools
 * named in `telemetry.capture.tools` and sends them to a stand-in sidecar
 * (support/stand-in-sidecar.ts, not `mcp-sidecar`) as `capture` frames: configured paths of the
 * arguments and the structured result read "[redacted]", `_meta` is left out, a call larger than
 * `maxRecordBytes` is not captured (counted), a tool not named is not captured, and a reload that
 * turns capture off stops it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpRuntime } from "./support/http-runtime.js";
import { modernCall } from "./support/modern-call.js";
import { assertBuilt } from "./support/paths.js";
import { sample, scrape } from "./support/prometheus.js";
import { eventually, type StandInSidecar, startStandInSidecar } from "./support/stand-in-sidecar.js";

assertBuilt();

const FIXTURE = fileURLToPath(new URL("./fixtures/evals", import.meta.url));

let dir: string;
let sidecar: StandInSidecar;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcp-runtime-capture-"));
  sidecar = await startStandInSidecar();
});
afterAll(async () => {
  await sidecar?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function configYaml(capture: string): string {
  return `
telemetry:
  logLevel: warn
  sidecar: "${sidecar.url}"
${capture}
plugins:
  - package: "@mcp-runtime/plugin-echo"
  - path: ${JSON.stringify(FIXTURE)}
`;
}

const CAPTURE_ON = `  capture:
    maxRecordBytes: 2048
    tools:
      profile: { redact: [password, user.email] }
      big: {}
`;

describe("capture", () => {
  it("sends named tools' calls redacted, skips oversize calls and unnamed tools, and follows reloads", async () => {
    const file = join(dir, "runtime.yaml");
    await writeFile(file, configYaml(CAPTURE_ON));
    const runtime = await startHttpRuntime({}, [], { file });
    const metricsUrl = `http://127.0.0.1:${runtime.port}/metrics`;
    const call = (name: string, args: Record<string, unknown>) =>
      modernCall(runtime.url, "tools/call", { name, arguments: args }, { name });
    try {
      await eventually(() => sidecar.frames.some((f) => f.frame.type === "hello"), 5_000, "hello");
      const profile = await call("profile", {
        password: "hunter2",
        user: { name: "bob", email: "bob@example.test" },
      });
      expect(profile.structuredContent).toEqual({
        user: { name: "bob", email: "bob@example.test" },
        plan: "pro",
      });
      await call("echo", { text: "not captured" });
      await call("big", { size: 100 });
      await call("big", { size: 5_000 });
      await call("big", { size: 6_000 });

      const calls = await eventually(
        () => (sidecar.captured().length >= 2 ? sidecar.captured() : undefined),
        5_000,
        "two captured calls",
      );
      await new Promise((resolve) => setTimeout(resolve, 200)); // nothing else arrives
      expect(sidecar.captured().map((c) => c.tool)).toEqual(["profile", "big"]);
      const [captured, small] = calls;
      expect(captured).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        ts: expect.any(Number),
        tool: "profile",
        era: "modern",
        arguments: { password: "[redacted]", user: { name: "bob", email: "[redacted]" } },
        durationMs: expect.any(Number),
      });
      expect(captured?.result?.structuredContent).toEqual({
        user: { name: "bob", email: "[redacted]" },
        plan: "pro",
      });
      expect(captured?.result).not.toHaveProperty("_meta");
      expect(captured?.errorCode).toBeUndefined();
      expect(small?.arguments).toEqual({ size: 100 });
      expect(small?.result?.content).toEqual([{ type: "text", text: "x".repeat(100) }]);

      // Both oversize calls counted, the log line written once for the tool.
      expect(sample(await scrape(metricsUrl), "mcp_capture_dropped_total", { reason: "too_large" })).toBe(2);
      expect(runtime.stderr().match(/maxRecordBytes; not captured/g)).toHaveLength(1);

      // Capture off by reload: the next call is not captured.
      await writeFile(file, configYaml(""));
      runtime.process.kill("SIGHUP");
      await eventually(
        () => sidecar.events().find((e) => e.type === "config_change" && e.status === "applied"),
        10_000,
        "the reload applied",
      );
      await call("profile", {});
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sidecar.captured()).toHaveLength(2);
      const change = sidecar.events().find((e) => e.type === "config_change");
      expect(change?.type === "config_change" && change.changes).toEqual([
        "telemetry.capture.maxRecordBytes",
        "telemetry.capture.tools.profile",
        "telemetry.capture.tools.big",
      ]);
    } finally {
      expect(await runtime.stop()).toBe(0);
    }
  }, 30_000);
});
