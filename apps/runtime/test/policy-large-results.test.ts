/**
 * Acceptance (issue 14, point 5): a 5 MB tool result comes back as a `resource_link` that the same
 * caller reads back byte-identical (another caller cannot); the big JSON reply is compressed per
 * Accept-Encoding while SSE streams carry no Content-Encoding. Clients: the official SDK 1.x and
 * plain fetch.
 */
import { createHash } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { modernCall } from "./support/modern-call.js";
import { assertBuilt } from "./support/paths.js";
import { caller, callText, POLICY_PLUGIN, readText, tokenAuth } from "./support/policy.js";
import { sample, scrape } from "./support/prometheus.js";
import { startRedis } from "./support/queue-redis.js";

const FIVE_MB = 5 * 1024 * 1024;

describe("large results as resource links", () => {
  const alice = caller("alice");
  const bob = caller("bob");
  let runtime: HttpRuntime;

  beforeAll(async () => {
    assertBuilt();
    runtime = await startHttpRuntime({
      plugins: [{ path: POLICY_PLUGIN }],
      auth: tokenAuth([alice, bob]),
    });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it("returns a 5 MB result as a resource_link that reads back byte-identical (SDK 1.x client)", async () => {
    const client = new Client({ name: "large-results-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(runtime.url), { requestInit: { headers: alice.headers } }),
    );
    try {
      const result = await client.callTool({ name: "big", arguments: { size: FIVE_MB } });
      const content = result.content as { type: string; uri?: string; size?: number; mimeType?: string }[];
      const link = content.find((c) => c.type === "resource_link");
      expect(link?.uri).toMatch(/^mcp-runtime:\/\/results\/[A-Za-z0-9_-]+$/);
      expect(link?.mimeType).toBe("text/plain");
      expect(JSON.stringify(result).length).toBeLessThan(2_000);

      const read = await client.readResource({ uri: link?.uri ?? "" });
      const text = (read.contents[0] as { text: string }).text;
      const expected = await callText(runtime.url, "digest", { size: FIVE_MB }, alice.headers);
      expect(Buffer.byteLength(text)).toBe(link?.size);
      expect(createHash("sha256").update(text).digest("hex")).toBe(expected);

      // Another subject holding the link gets "not found", as for an expired one.
      await expect(
        modernCall(
          runtime.url,
          "resources/read",
          { uri: link?.uri },
          { name: link?.uri, headers: bob.headers },
        ),
      ).rejects.toThrow(/Resource not found/);
    } finally {
      await client.close();
    }
  });

  it("leaves results under the limit inline", async () => {
    const text = await callText(runtime.url, "big", { size: 1000 }, alice.headers);
    expect(text).toHaveLength(1000);
  });

  it("compresses the big JSON read per Accept-Encoding, and never an SSE stream", async () => {
    const linked = await modernCall(
      runtime.url,
      "tools/call",
      { name: "big", arguments: { size: FIVE_MB } },
      {
        name: "big",
        headers: alice.headers,
      },
    );
    const uri = (linked.content as { type: string; uri?: string }[]).find(
      (c) => c.type === "resource_link",
    )?.uri;
    const response = await fetch(runtime.url, {
      method: "POST",
      headers: {
        ...alice.headers,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "accept-encoding": "br, gzip",
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "resources/read",
        "mcp-name": uri ?? "",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "resources/read",
        params: {
          uri,
          _meta: {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
          },
        },
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-encoding")).toBe("br");
    expect(Number(response.headers.get("content-length"))).toBeLessThan(FIVE_MB / 2);
    const body = (await response.json()) as { result: { contents: { text: string }[] } };
    expect(body.result.contents[0]?.text.length).toBe(FIVE_MB);

    // A legacy session's GET stream (SSE) with the same Accept-Encoding: not compressed.
    const init = await fetch(runtime.url, {
      method: "POST",
      headers: {
        ...alice.headers,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      }),
    });
    const session = init.headers.get("mcp-session-id") ?? "";
    await init.text();
    const controller = new AbortController();
    const stream = await fetch(runtime.url, {
      headers: {
        ...alice.headers,
        accept: "text/event-stream",
        "accept-encoding": "br, gzip",
        "mcp-session-id": session,
        "mcp-protocol-version": "2025-11-25",
      },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.headers.get("content-encoding")).toBeNull();
    controller.abort();
  });
});

describe("when the Redis cache is away", () => {
  it("still answers: reads run uncached and a large result comes inline, nothing fails", async () => {
    assertBuilt();
    // A private server (never a shared REDIS_URL one): this test stops it.
    const redis = await startRedis({ appendonly: true });
    const runtime = await startHttpRuntime({
      plugins: [{ path: POLICY_PLUGIN }],
      cache: { backend: "redis" },
      redis: { url: redis.url },
    });
    try {
      expect((await readText(runtime.url, "test://item/r")).text).toBe("item r (run 1)");
      expect((await readText(runtime.url, "test://item/r")).text).toBe("item r (run 1)");
      await redis.stop();
      expect((await readText(runtime.url, "test://item/r")).text).toBe("item r (run 2)");
      const size = 2 * 1024 * 1024;
      const text = await callText(runtime.url, "big", { size });
      expect(text.length).toBe(size);
      const families = await scrape(new URL("/metrics", runtime.url).href);
      expect(sample(families, "mcp_cache_errors_total", { kind: "backend" })).toBeGreaterThanOrEqual(2);
    } finally {
      await runtime.stop();
      await redis.stop();
    }
  });
});
