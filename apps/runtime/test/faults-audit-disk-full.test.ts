/**
 * Fault injection (issue 18): the audit log's disk fills up. Documented behaviour: the sidecar stops
 * its log at the first failed write (continuing would leave a gap in the chain), acknowledges
 * nothing more and closes runtime links with 1011; each runtime keeps serving and keeps the
 * unacknowledged events in its buffer; once there is space and the sidecar is back, the buffer is
 * delivered, so every call made is in a chain that verifies: no acknowledged event is lost, and no
 * accepted one either.
 *
 * The full disk is real: `audit.dir` is a 1 MiB tmpfs (`mount -t tmpfs`, so this needs root, as
 * `.ci/run` has; without it the test fails saying so) filled to ENOSPC with a filler file.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, truncateSync, writeSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt } from "./support/paths.js";
import { sample, scrape } from "./support/prometheus.js";
import { startSidecarProcess } from "./support/sidecar-process.js";
import { auditVerify, callEchoMany, readRecords, waitUntil } from "./support/sidecar-run.js";

assertBuilt();

const dir = await mkdtemp(join(tmpdir(), "mcp-faults-audit-"));
const auditDir = join(dir, "audit");
mkdirSync(auditDir);

function mountTmpfs(): string | undefined {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", auditDir], { stdio: "pipe" });
    return undefined;
  } catch (cause) {
    return `cannot mount a tmpfs for the audit dir (needs root): ${String(cause).split("\n")[0]}`;
  }
}
const mountFailure = mountTmpfs();

afterAll(async () => {
  if (mountFailure === undefined) execFileSync("umount", [auditDir]);
  await rm(dir, { recursive: true, force: true });
});

/** Writes a filler file until the filesystem says ENOSPC; returns its path. */
function fillDisk(): string {
  const path = join(auditDir, "filler.bin");
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(4096, 0x61);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "ENOSPC") throw cause;
  } finally {
    closeSync(fd);
  }
  return path;
}

/** What an operator does after a crash or a full disk: cut each file's partial last line. */
function cutPartialLines(files: string[]): void {
  for (const path of files) {
    const text = readFileSync(path);
    const end = text.lastIndexOf(0x0a) + 1;
    if (end < text.length) truncateSync(path, end);
  }
}

describe("audit log disk full", () => {
  it("keeps serving and buffering while the audit disk is full, and delivers every event once space is back", async () => {
    if (mountFailure !== undefined)
      throw new Error(`${mountFailure}; run the tests as root (bash .ci/run does) to fill a real disk`);
    const file = join(dir, "sidecar.yaml");
    await writeFile(file, `audit:\n  dir: ./audit\n  checkpointEvery: 500\n`);
    let sidecar = await startSidecarProcess(["--config", file], auditDir);
    const port = new URL(sidecar.url).port;
    const runtime = await startHttpRuntime({
      plugins: [{ package: "@mcp-runtime/plugin-echo" }],
      telemetry: { logLevel: "warn", sidecar: sidecar.wsUrl },
    });
    const metricsUrl = new URL("/metrics", runtime.url).href;
    const buffered = async () => sample(await scrape(metricsUrl), "mcp_audit_buffer_events");
    try {
      expect(await callEchoMany(runtime.url, 50, 8)).toEqual([]);
      await waitUntil(async () => (await buffered()) === 0, 5_000, "first calls acknowledged");

      const filler = fillDisk();
      // Every call is still served; the sidecar cannot write them, so the runtime keeps them. (The
      // audit file's last tmpfs page may still take a few records before the first write fails.)
      expect(await callEchoMany(runtime.url, 300, 8)).toEqual([]);
      await waitUntil(
        async () => sidecar.stderr().includes("audit write failed"),
        10_000,
        "the sidecar to report the failed write",
      );
      await waitUntil(async () => (await buffered()) > 0, 10_000, "events held by the runtime");
      const held = await buffered();
      // Still held a moment later: nothing is acknowledged that is not on disk.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await buffered()).toBe(held);
      expect(held).toBeGreaterThan(200);

      // Space is back; the stopped log needs a new sidecar (same port, same folder).
      rmSync(filler);
      // Its log stopped at the failure, so it cannot seal the file: SIGTERM exits 1, saying so.
      expect(await sidecar.stop()).toBe(1);
      expect(sidecar.stderr()).toContain("audit log write failed");
      // The write that hit ENOSPC left a partial last line, and a sidecar refuses to start on one
      // ("inspect it, then move the file aside or cut the partial line"): the operator's step.
      // Those records were never acknowledged, so the runtime still holds them.
      cutPartialLines(await sidecar.auditFiles());
      sidecar = await startSidecarProcess(["--config", file, "--port", port], auditDir);
      await waitUntil(async () => (await buffered()) === 0, 20_000, "buffer delivered");
      expect(await callEchoMany(runtime.url, 50, 8)).toEqual([]);
    } finally {
      await runtime.stop();
      await sidecar.stop();
    }
    expect(runtime.process.exitCode).toBe(0);
    expect(sidecar.process.exitCode).toBe(0);
    const files = await sidecar.auditFiles();
    const verified = await auditVerify(files);
    expect(verified.stdout + verified.stderr).toMatch(/^ok: \d+ records/m);
    expect(verified.code).toBe(0);
    const calls = (await readRecords(files)).filter((r) => r.type === "tool_call");
    // Failed before the fix (387-388 of 400): the failed write left the first records of a batch
    // on disk, recovery took the batch as written, and the resend was acknowledged without the
    // rest; and a resend to the sidecar whose log had just failed was acknowledged as a
    // duplicate of events appended but never written. Now a batch's written count is tracked and
    // a duplicate is acknowledged only once durable.
    expect(calls).toHaveLength(400);
  }, 120_000);
});
