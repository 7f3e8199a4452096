/**
 * Fault injection (issue 18): a stdio upstream that hangs, answers garbage, or closes mid-stream,
 * behind the real CLI over HTTP. Documented behaviour: a hung call fails with a clear error naming
 * the upstream once the upstream's `timeoutMs` passes, and other calls keep being answered; lines
 * that are not JSON-RPC are skipped (debug log), so an answer after them still arrives; an upstream
 * that exits halfway through an answer fails that call clearly, is restarted, and serves the next.
 * (A SIGKILL mid-call is in upstreams-faults.test.ts.)
 */
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt } from "./support/paths.js";

assertBuilt();

const SERVER = fileURLToPath(new URL("./fixtures/faulty-upstream/server.mjs", import.meta.url));
const TIMEOUT_MS = 1_500;

type Content = { type: string; text?: string }[];
const textOf = (content: unknown): string => (content as Content).map((c) => c.text ?? "").join("");

/** The call's text, or the JSON-RPC error's message, and whether it failed. */
async function outcome(client: Client, name: string): Promise<{ failed: boolean; text: string; ms: number }> {
  const started = Date.now();
  try {
    const result = await client.callTool({ name, arguments: {} }, undefined, { timeout: 20_000 });
    return { failed: result.isError === true, text: textOf(result.content), ms: Date.now() - started };
  } catch (cause) {
    return { failed: true, text: String(cause), ms: Date.now() - started };
  }
}

describe("faults of a hosted stdio upstream", () => {
  let runtime: HttpRuntime;
  let client: Client;

  beforeAll(async () => {
    runtime = await startHttpRuntime({
      server: { name: "faults-upstreams" },
      upstreams: [
        {
          id: "faulty",
          command: process.execPath,
          args: [SERVER],
          timeoutMs: TIMEOUT_MS,
          restart: { backoffMs: 200, maxBackoffMs: 400 },
        },
      ],
    });
    client = new Client({ name: "faults-upstreams", version: "0.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(runtime.url)));
  });

  afterAll(async () => {
    await client?.close();
    await runtime?.stop();
  });

  it("a hung call fails within about timeoutMs naming the upstream, while other calls are answered meanwhile", async () => {
    const hung = outcome(client, "faulty.hang");
    const meanwhile = await Promise.all([1, 2, 3].map(() => outcome(client, "faulty.ok")));
    for (const answer of meanwhile) expect(answer).toMatchObject({ failed: false });
    const result = await hung;
    expect(result.failed).toBe(true);
    expect(result.text).toMatch(/faulty/);
    expect(result.text).toMatch(/time/i);
    expect(result.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(result.ms).toBeLessThan(TIMEOUT_MS + 5_000);
    expect(await outcome(client, "faulty.ok")).toMatchObject({ failed: false });
  });

  it("skips stdout lines that are not JSON-RPC and still delivers the answer that follows them", async () => {
    expect(await outcome(client, "faulty.garbage")).toEqual(
      expect.objectContaining({ failed: false, text: "answered after garbage" }),
    );
    // Garbage alone is no answer: the call times out like a hung one, and the upstream keeps serving.
    const garbageOnly = await outcome(client, "faulty.garbage_only");
    expect(garbageOnly.failed).toBe(true);
    expect(garbageOnly.text).toMatch(/faulty/);
    expect(await outcome(client, "faulty.ok")).toMatchObject({ failed: false });
    expect(runtime.process.exitCode).toBeNull();
  });

  it("fails a call whose upstream exits halfway through the answer, restarts it, and serves the next call", async () => {
    const before = await outcome(client, "faulty.ok");
    const broken = await outcome(client, "faulty.half_then_exit");
    expect(broken.failed).toBe(true);
    expect(broken.text).toMatch(/faulty/);
    expect(broken.text).not.toContain("never complete");
    // The restart has a 200 ms backoff: the next calls wait for it or are refused clearly meanwhile.
    let after = await outcome(client, "faulty.ok");
    const deadline = Date.now() + 10_000;
    while (after.failed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await outcome(client, "faulty.ok");
    }
    expect(after.failed).toBe(false);
    // A new process answers: the pid in the text changed.
    expect(after.text).not.toBe(before.text);
  });
});
