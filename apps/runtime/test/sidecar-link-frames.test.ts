/**
 * Issue 17 (runtime side): the sidecar link's new frames, against a stand-in sidecar
 * (support/stand-in-sidecar.ts, a bare `ws` server, not `mcp-sidecar`): a status frame right
 * after hello and then every STATUS_INTERVAL_MS (a tick skipped while the previous frame is still
 * being built), captured calls batched into `capture` frames and dropped (counted) while the
 * sidecar is away, and `run-evals` handed to `onRunEvals`.
 */
import { STATUS_INTERVAL_MS, type StatusMessage } from "@mcp-runtime/telemetry";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import { SidecarLink, type SidecarLinkOptions } from "../src/telemetry/sidecar-link.js";
import { eventually, type StandInSidecar, startStandInSidecar } from "./support/stand-in-sidecar.js";

let sidecar: StandInSidecar;
let link: SidecarLink | undefined;
beforeEach(async () => {
  sidecar = await startStandInSidecar();
});
afterEach(async () => {
  await link?.close(100);
  link = undefined;
  await sidecar.close();
});

function status(n: number): StatusMessage {
  return {
    type: "status",
    ts: Date.now(),
    role: "serve",
    sessions: n,
    inFlight: 0,
    sandboxes: [],
    upstreams: [],
    evals: [],
    startedAt: 1,
  };
}

function startLink(options: Partial<SidecarLinkOptions>): SidecarLink {
  link = new SidecarLink({
    url: sidecar.url,
    version: "test",
    maxBufferedEvents: 100,
    logger: createLogger({ level: "error" }),
    onConfig: async () => ({ ok: true, changes: [] }),
    ...options,
  });
  link.start();
  return link;
}

describe("status frames", () => {
  it("follow hello at once and then every STATUS_INTERVAL_MS", async () => {
    let built = 0;
    startLink({ status: () => status(++built) });
    await eventually(() => sidecar.statuses().length >= 3, 4_000, "three status frames");
    const types = sidecar.frames.map((f) => f.frame.type);
    expect(types.slice(0, 2)).toEqual(["hello", "status"]);
    const [hello] = sidecar.frames;
    const [first, second, third] = sidecar.statuses();
    expect((first?.at ?? 0) - (hello?.at ?? 0)).toBeLessThan(200);
    for (const gap of [(second?.at ?? 0) - (first?.at ?? 0), (third?.at ?? 0) - (second?.at ?? 0)]) {
      expect(gap).toBeGreaterThan(STATUS_INTERVAL_MS - 200);
      expect(gap).toBeLessThan(STATUS_INTERVAL_MS + 300);
    }
    expect(sidecar.statuses().map((s) => s.status.sessions)).toEqual([1, 2, 3]);
  });

  it("skip a tick while the previous frame is still being built", async () => {
    let calls = 0;
    startLink({
      status: async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, STATUS_INTERVAL_MS * 1.5));
        return status(calls);
      },
    });
    await new Promise((resolve) => setTimeout(resolve, STATUS_INTERVAL_MS * 3 + 200));
    // Built at 0 (done at 1.5 s); the tick at 1 s skipped; built at 2 s (done at 3.5 s); 3 s skipped.
    expect(calls).toBe(2);
    expect(sidecar.statuses()).toHaveLength(1);
  });
});

describe("capture frames", () => {
  it("batch captured calls, and drop (and count) them while the sidecar is away", async () => {
    const dropped: string[] = [];
    const runs: string[] = [];
    const current = startLink({
      onCaptureDropped: (reason, count) => dropped.push(`${reason}:${count}`),
      onRunEvals: (actor) => runs.push(actor),
    });
    current.capture(JSON.stringify({ id: "early" }));
    expect(dropped).toEqual(["sidecar_away:1"]);
    await eventually(() => current.connected, 3_000, "connected");
    for (let i = 0; i < 3; i++) current.capture(JSON.stringify({ id: `c${i}`, tool: "echo" }));
    await eventually(() => sidecar.captured().length === 3, 2_000, "three captured calls");
    const frames = sidecar.frames.filter((f) => f.frame.type === "capture");
    expect(frames).toHaveLength(1);
    expect(sidecar.captured().map((c) => c.id)).toEqual(["c0", "c1", "c2"]);

    sidecar.send({ type: "run-evals", actor: "ops@example.test" });
    sidecar.send({ type: "run-evals" });
    await eventually(() => runs.length === 1, 2_000, "onRunEvals");
    expect(runs).toEqual(["ops@example.test"]);
  });
});
