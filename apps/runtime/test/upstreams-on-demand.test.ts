/**
 * The upstream supervisor (and the MCP SDK client under it) is imported only when a config names
 * an upstream: a runtime started without any still hosts one that a reload adds, with the real
 * supervisor and a real stdio server.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { loadConfigOrThrow } from "@mcp-runtime/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessExecutor } from "../src/executor/in-process.js";
import { createLogger } from "../src/logger.js";
import { createRuntime, type Runtime } from "../src/runtime.js";

const SERVER = fileURLToPath(new URL("./fixtures/faulty-upstream/server.mjs", import.meta.url));

describe("upstreams added by a reload to a runtime started without any", () => {
  let dir: string;
  let runtime: Runtime | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "upstreams-on-demand-"));
  });
  afterAll(async () => {
    await runtime?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("starts the added upstream with the default supervisor and lists its tools", async () => {
    const file = join(dir, "runtime.json");
    await writeFile(file, JSON.stringify({}));
    const { config } = await loadConfigOrThrow({ file, env: {} });
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    runtime = await createRuntime({
      config,
      baseDir: dir,
      logger: createLogger({ level: "error", stream: sink }),
      executor: new InProcessExecutor(),
      configFile: file,
    });
    expect(runtime.upstreamHealth()).toEqual([]);
    const upstreams = [{ id: "faulty", command: process.execPath, args: [SERVER] }];
    const outcome = await runtime.reload({ file, text: JSON.stringify({ upstreams }), source: "file" });
    expect(outcome).toMatchObject({ ok: true });
    expect(runtime.catalog.tool("faulty.ok")).toBeDefined();
    expect(runtime.upstreamHealth()).toMatchObject([{ id: "faulty" }]);
  });
});
