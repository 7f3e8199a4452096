/**
 * `startLocalRuntime`: the real runtime in this process without a transport (plugins in their
 * sandbox worker threads), driven through its protocol server, and nothing left running after close.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { JsonRpcError } from "@mcp-runtime/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalRuntimeError, startLocalRuntime } from "../src/index.js";
import { assertBuilt, RUNTIME_DIR } from "./support/paths.js";

const run = promisify(execFile);
const ECHO = { plugins: [{ package: "@mcp-runtime/plugin-echo" }] };
const EVALS_FIXTURE = join(RUNTIME_DIR, "test", "fixtures", "evals");

/** OS threads of this process (Linux): each sandbox worker is one, and leaves with its worker. */
function threadCount(): number {
  const status = readFileSync("/proc/self/status", "utf8");
  return Number(/^Threads:\s+(\d+)$/m.exec(status)?.[1]);
}

async function settledThreads(target: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = threadCount();
  while (count > target && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    count = threadCount();
  }
  return count;
}

describe("startLocalRuntime", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mcp-local-runtime-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("calls the echo plugin in a sandbox worker and lists what serve would list", async () => {
    await using runtime = await startLocalRuntime({ config: ECHO });
    expect((await runtime.listTools()).map((tool) => tool.name)).toEqual(["echo"]);
    expect(await runtime.callTool("echo", { text: "hello" })).toEqual({
      content: [{ type: "text", text: "hello" }],
    });
    expect((await runtime.listPrompts()).map((prompt) => prompt.name)).toEqual(["echo"]);
    expect(await runtime.getPrompt("echo", { text: "hi" })).toMatchObject({
      messages: [{ role: "user", content: { type: "text", text: "hi" } }],
    });
    expect(await runtime.listResources()).toEqual([]);
    // The runtime's own template for large tool results, as every served runtime has.
    expect((await runtime.listResourceTemplates()).map((t) => t.name)).toContain("large-tool-results");
  });

  it("reports invalid arguments as isError and unknown tools as a JSON-RPC error", async () => {
    await using runtime = await startLocalRuntime({ config: ECHO });
    const invalid = await runtime.callTool("echo", { text: 42 });
    expect(invalid.isError).toBe(true);
    const unknown = await runtime.callTool("nope").catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(JsonRpcError);
    expect((unknown as JsonRpcError).message).toBe("Unknown tool: nope");
  });

  it("loads a local plugin folder relative to baseDir, with its plugin config", async () => {
    await using runtime = await startLocalRuntime({
      config: { plugins: [{ path: "./evals", config: { greeting: "Howdy" } }] },
      baseDir: join(RUNTIME_DIR, "test", "fixtures"),
    });
    expect(await runtime.callTool("greet", { name: "Ada" })).toEqual({
      content: [{ type: "text", text: "Howdy, Ada!" }],
    });
  });

  it("cancels a call past timeoutMs and rejects with ERR_LOCAL_TIMEOUT", async () => {
    await using runtime = await startLocalRuntime({ config: { plugins: [{ path: EVALS_FIXTURE }] } });
    const started = Date.now();
    const error = await runtime.callTool("slow", { ms: 10_000 }, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalRuntimeError);
    expect((error as LocalRuntimeError).code).toBe("ERR_LOCAL_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(5_000);
    // The worker is free again: the cancelled call did not keep it.
    expect(await runtime.callTool("slow", { ms: 1 }, { timeoutMs: 5_000 })).toMatchObject({
      content: [{ text: "done" }],
    });
  });

  it("loads a config file as serve does, with variables substituted from env", async () => {
    const file = join(dir, "mcp-runtime.yaml");
    await writeFile(file, `plugins:\n  - path: ${EVALS_FIXTURE}\n    config: { greeting: "\${GREETING}" }\n`);
    await using runtime = await startLocalRuntime({ configFile: file, env: { GREETING: "Hi" } });
    expect(runtime.configFile).toBe(file);
    expect(await runtime.callTool("greet", { name: "Bo" })).toMatchObject({ content: [{ text: "Hi, Bo!" }] });
  });

  it("refuses an invalid config with ERR_LOCAL_CONFIG naming the path", async () => {
    const error = await startLocalRuntime({ config: { plugins: [{ nope: 1 }] } as never }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LocalRuntimeError);
    expect((error as LocalRuntimeError).code).toBe("ERR_LOCAL_CONFIG");
    expect((error as Error).message).toMatch(/plugins\[0\]/);
  });

  it("fails to start with ERR_LOCAL_START when a plugin cannot be found", async () => {
    const error = await startLocalRuntime({ config: { plugins: [{ path: join(dir, "missing") }] } }).catch(
      (e: unknown) => e,
    );
    expect((error as LocalRuntimeError).code).toBe("ERR_LOCAL_START");
  });

  it("close() stops every sandbox worker thread, and calls after it are refused", async () => {
    // Warm up the thread pools this process uses anyway, so the baseline is stable.
    await (await startLocalRuntime({ config: ECHO })).close();
    const baseline = await settledThreads(0, 0);
    const runtime = await startLocalRuntime({
      config: { plugins: [{ package: "@mcp-runtime/plugin-echo", sandbox: { poolSize: 3 } }] },
    });
    await runtime.callTool("echo", { text: "x" });
    expect(threadCount()).toBeGreaterThanOrEqual(baseline + 3);
    await runtime.close();
    expect(await settledThreads(baseline, 5_000)).toBeLessThanOrEqual(baseline);
    const refused = await runtime.callTool("echo", { text: "x" }).catch((e: unknown) => e);
    expect((refused as LocalRuntimeError).code).toBe("ERR_LOCAL_CLOSED");
  });

  it("a plugin author's script using @mcp-runtime/runtime/testing exits on its own after close", async () => {
    assertBuilt();
    // Plain ESM for Node 20 (no `await using` there); vitest compiles it for the TS tests above.
    const script = [
      'import { startLocalRuntime } from "@mcp-runtime/runtime/testing";',
      'const runtime = await startLocalRuntime({ config: { plugins: [{ package: "@mcp-runtime/plugin-echo" }] } });',
      "try {",
      '  console.log(JSON.stringify(await runtime.callTool("echo", { text: "from a script" })));',
      "} finally {",
      "  await runtime[Symbol.asyncDispose]();",
      "}",
    ].join("\n");
    // Run from inside the workspace so the package resolves as it does for a plugin in the repo;
    // no process.exit: a worker left running would keep the process alive past the timeout.
    const child = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: RUNTIME_DIR,
      timeout: 20_000,
    });
    expect(JSON.parse(child.stdout)).toEqual({ content: [{ type: "text", text: "from a script" }] });
  });
});
