/**
 * The standby node (`serve --standby --primary URL`) as real processes: passive (its /readyz 503)
 * while the primary is up, yet serving tool calls; active (/readyz 200, `mcp_standby_active 1`)
 * within about 3 s of the primary being SIGKILLed. Also: the standby's 8081 default gives way to an
 * explicit port from the environment or the file.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import { StandbyWatch } from "../src/standby.js";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { modernCall } from "./support/modern-call.js";
import { assertBuilt, CLI_PATH } from "./support/paths.js";
import { spawnReady } from "./support/ready-process.js";

const CONFIG = { plugins: [{ package: "@mcp-runtime/plugin-echo" }] };
const READY = /mcp-runtime listening on (http:\/\/[^\s]+\/mcp)/;

let dir: string;
beforeAll(async () => {
  assertBuilt();
  dir = await mkdtemp(join(tmpdir(), "mcp-standby-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const base = (mcpUrl: string): string => new URL(mcpUrl).origin;

async function readyz(node: HttpRuntime): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base(node.url)}/readyz`);
  return { status: response.status, body: await response.json() };
}

async function standbyGauge(node: HttpRuntime): Promise<string | undefined> {
  const text = await (await fetch(`${base(node.url)}/metrics`)).text();
  return /^mcp_standby_active (\d+)$/m.exec(text)?.[1];
}

describe("serve --standby --primary URL", () => {
  it("is passive (503) while the primary is up but serves tool calls, and active (200) within 3 s of the primary's death", async () => {
    const primary = await startHttpRuntime(CONFIG);
    let standby: HttpRuntime | undefined;
    try {
      standby = await startHttpRuntime(CONFIG, ["--standby", "--primary", base(primary.url)], {
        env: { ...process.env, LOG_LEVEL: "info" },
      });
      await new Promise((r) => setTimeout(r, 1_200)); // a probe or two of a healthy primary
      expect(await readyz(standby)).toEqual({ status: 503, body: { status: "standby", primary: "up" } });
      expect(await standbyGauge(standby)).toBe("0");
      const result = await modernCall(
        standby.url,
        "tools/call",
        { name: "echo", arguments: { text: "from the standby" } },
        { name: "echo" },
      );
      expect(result.content).toEqual([{ type: "text", text: "from the standby" }]);

      primary.process.kill("SIGKILL");
      const killedAt = Date.now();
      let last = await readyz(standby);
      while (last.status !== 200 && Date.now() - killedAt < 3_500) {
        await new Promise((r) => setTimeout(r, 100));
        last = await readyz(standby);
      }
      const tookMs = Date.now() - killedAt;
      expect(last.status, JSON.stringify(last.body)).toBe(200);
      expect(tookMs).toBeLessThan(3_500);
      expect(await standbyGauge(standby)).toBe("1");
      const line = standby
        .stderr()
        .split("\n")
        .find((l) => l.includes('"msg":"standby active"'));
      expect(line && JSON.parse(line)).toMatchObject({ msg: "standby active", primary: base(primary.url) });
      process.stderr.write(`standby: active ${tookMs} ms after the primary's SIGKILL\n`);
    } finally {
      await standby?.stop();
      await primary.stop();
    }
  }, 30_000);

  it("an explicit port (MCP_PORT, or server.port in the file) beats the standby's 8081 default", async () => {
    const file = join(dir, "standby.json");
    await writeFile(
      file,
      JSON.stringify({ ...CONFIG, telemetry: { logLevel: "warn" }, server: { port: 0 } }),
    );
    for (const [what, env] of [
      ["server.port", { ...process.env, MCP_PORT: "" }],
      ["MCP_PORT", { ...process.env, MCP_PORT: "0" }],
    ] as const) {
      const node = await spawnReady(
        [CLI_PATH, "serve", "--transport", "http", "--standby", "--config", file],
        READY,
        "standby",
        env,
      );
      try {
        expect(new URL(node.ready).port, what).not.toBe("8081");
      } finally {
        // Exit code not checked: serve installs its SIGTERM handler just after the ready line, so a
        // signal sent at once can still kill it (reported; not what this test is about).
        node.child.kill("SIGTERM");
        await node.exited;
      }
    }
  }, 30_000);

  it("refuses --primary without --standby", async () => {
    const node = spawnReady([CLI_PATH, "serve", "--primary", "http://127.0.0.1:8080"], READY, "serve");
    await expect(node).rejects.toThrow(/--primary needs --standby/);
  });
});

describe("StandbyWatch", () => {
  it("turns active after two failed probes in a row and passive again after two good ones, not on one", async () => {
    let primaryStatus = 200;
    const primary = createServer((_req, res) => {
      res.writeHead(primaryStatus).end();
    });
    await new Promise<void>((resolve) => primary.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(primary.address() as AddressInfo).port}`;
    let logged = "";
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ level: "info", stream });
    const watch = new StandbyWatch({ primary: url, logger, intervalMs: 40, timeoutMs: 200 }).start();
    const settle = () => new Promise((r) => setTimeout(r, 300));
    try {
      await settle();
      expect([watch.active, watch.primaryStatus]).toEqual([false, "up"]);
      expect(watch.readiness()).toEqual({ status: 503, body: { status: "standby", primary: "up" } });
      primaryStatus = 503;
      await settle();
      expect(watch.active).toBe(true);
      expect(watch.readiness()).toBeUndefined();
      primaryStatus = 200;
      await settle();
      expect(watch.active).toBe(false);
      logger.flush();
      const messages = logged
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(messages.filter((m) => m.startsWith("standby "))).toEqual([
        "standby watching",
        "standby active",
        "standby passive",
      ]);
    } finally {
      watch.stop();
      primary.close();
    }
  });
});
