/**
 * Prewarmed plugin threads (`SandboxExecutor.prewarm`): a pool whose host has the same options
 * takes one (its thread started before the pool did), one with other options starts its own, and
 * `releasePrewarmed` leaves none to take.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Plugin } from "@mcp-runtime/plugin-sdk";
import { createTestCallContext } from "@mcp-runtime/plugin-sdk/host";
import { afterEach, describe, expect, it } from "vitest";
import { SandboxExecutor, type SandboxPlugin, type SandboxSettings } from "../src/index.js";
import { sandboxSettings } from "./sandbox-settings.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/thread-id.js", import.meta.url));
const fixturePlugin = ((await import(FIXTURE as string)) as { default: Plugin }).default;

function plugin(sandbox: SandboxSettings): SandboxPlugin {
  return {
    id: "thread",
    modulePath: FIXTURE,
    plugin: fixturePlugin,
    permissions: { fs: { read: [], write: [] }, net: [], env: [] },
    config: {},
    entry: { sandbox },
  };
}

/** The id of the thread serving the plugin in a new pool. */
async function servingThread(executor: SandboxExecutor, sandbox: SandboxSettings): Promise<number> {
  const host = await executor.load(plugin(sandbox));
  const result = await host.callTool("thread", {}, createTestCallContext({ protocolVersion: "2025-06-18" }));
  return Number((result.content[0] as { text: string }).text);
}

/** Thread ids grow in start order: a thread with a smaller id than this one started before it. */
async function nextThreadId(): Promise<number> {
  const marker = new Worker("", { eval: true });
  const id = marker.threadId;
  await marker.terminate();
  return id;
}

describe("SandboxExecutor.prewarm", () => {
  afterEach(() => SandboxExecutor.releasePrewarmed());

  it("hands a prewarmed thread to the first pool whose host has the same options", async () => {
    SandboxExecutor.prewarm([sandboxSettings()]);
    const marker = await nextThreadId();
    const executor = new SandboxExecutor();
    expect(await servingThread(executor, sandboxSettings())).toBeLessThan(marker);
    // Taken once: the next pool with the same options starts its own thread.
    expect(await servingThread(executor, sandboxSettings())).toBeGreaterThan(marker);
    await executor.close();
  });

  it("starts a new thread for a host with other options, and none is left after releasePrewarmed", async () => {
    process.env.MCP_PREWARM_TEST = "granted";
    SandboxExecutor.prewarm([
      sandboxSettings({ maxMemoryMb: 96 }),
      sandboxSettings({ env: ["MCP_PREWARM_TEST"] }),
    ]);
    const marker = await nextThreadId();
    const executor = new SandboxExecutor();
    expect(await servingThread(executor, sandboxSettings({ maxMemoryMb: 80 }))).toBeGreaterThan(marker);
    expect(await servingThread(executor, sandboxSettings())).toBeGreaterThan(marker);
    SandboxExecutor.releasePrewarmed();
    expect(await servingThread(executor, sandboxSettings({ maxMemoryMb: 96 }))).toBeGreaterThan(marker);
    await executor.close();
    delete process.env.MCP_PREWARM_TEST;
  });

  it("starts no thread for plugins in process mode", async () => {
    SandboxExecutor.prewarm([sandboxSettings({ mode: "process" })]);
    const marker = await nextThreadId();
    const executor = new SandboxExecutor();
    expect(await servingThread(executor, sandboxSettings())).toBeGreaterThan(marker);
    await executor.close();
  });
});
