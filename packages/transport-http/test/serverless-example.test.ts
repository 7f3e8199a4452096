/**
 * The serverless example (deploy/serverless/worker.ts): its default export serves MCP through
 * `fetch(request)`, the official SDK v2 client can use it, it type-checks with its own tsconfig,
 * and the README shows the file as it is.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import worker from "../../../deploy/serverless/worker.js";
import { modern } from "./support/wire.js";

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), "../../../deploy/serverless");

describe("deploy/serverless/worker.ts", () => {
  it("answers a 2026-07-28 tools/call through its default export's fetch", async () => {
    const { body, headers } = modern("tools/call", { name: "echo", arguments: { text: "edge" } });
    const response = await worker.fetch(
      new Request("https://worker.example.test/mcp", {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
    expect(response.status).toBe(200);
    const json = (await response.json()) as { result: { content: unknown } };
    expect(json.result.content).toEqual([{ type: "text", text: "edge" }]);
  });

  it("serves the SDK v2 client: lists echo and calls it", async () => {
    const client = new Client(
      { name: "worker-test", version: "1.0.0" },
      { versionNegotiation: { mode: "auto" } },
    );
    const fetch = (url: string | URL, init?: RequestInit) => worker.fetch(new Request(url, init));
    await client.connect(
      new StreamableHTTPClientTransport(new URL("https://worker.example.test/mcp"), { fetch }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(["echo"]);
      const result = await client.callTool({ name: "echo", arguments: { text: "via sdk" } });
      expect(result.content).toEqual([{ type: "text", text: "via sdk" }]);
      const invalid = await client.callTool({ name: "echo", arguments: { text: 42 } });
      expect(invalid.isError).toBe(true);
    } finally {
      await client.close();
    }
  });

  it("type-checks with its own tsconfig (what a deployer compiles)", async () => {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const run = promisify(execFile);
    // Rejects with tsc's diagnostics on stdout when the example does not compile.
    await run(process.execPath, [tsc, "-p", join(EXAMPLE, "tsconfig.json")], { timeout: 110_000 });
    // A cold tsc run takes ~9 s on an idle machine; shared CI runners are slower.
  }, 120_000);

  it("is shown in the README exactly as the file is", () => {
    const readme = readFileSync(join(EXAMPLE, "README.md"), "utf8");
    const block = /```ts worker\.ts\n([\s\S]*?)```/.exec(readme);
    expect(block?.[1]).toBe(readFileSync(join(EXAMPLE, "worker.ts"), "utf8"));
  });
});
