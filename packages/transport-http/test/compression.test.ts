import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JsonReplies } from "../src/http-replies.js";
import { type RunningHttpServer, startHttpServer, type TransportEvent } from "../src/index.js";
import { createFixtureServer } from "./support/fixture-server.js";
import { modern, openSession, openStream, type Reply, rpc, send, sessionHeaders } from "./support/wire.js";

let running: RunningHttpServer;
let base: URL;

// Enough tools that a tools/list page (100 tools) is tens of kilobytes.
beforeAll(async () => {
  const { server, catalog } = createFixtureServer();
  for (let i = 0; i < 120; i++) {
    catalog.addTool({
      descriptor: {
        name: `tool-${String(i).padStart(3, "0")}`,
        description: `Tool number ${i}: does one thing with its input and reports what it did.`,
        inputSchema: { type: "object", properties: { text: { type: "string" }, count: { type: "number" } } },
      },
      validateInput: (args) => ({ ok: true, value: args }),
      call: async () => ({ content: [{ type: "text", text: "ok" }] }),
    });
  }
  running = await startHttpServer(server, {
    port: 0,
    readinessDetail: () => ({
      plugins: Array.from({ length: 50 }, (_, i) => ({ name: `plugin-${i}`, state: "ready", workers: 4 })),
    }),
  });
  base = new URL(running.url);
});

afterAll(async () => {
  await running.close(1000);
});

/** A stateless 2025-era tools/list (no session, no version header). */
const toolsList = (acceptEncoding?: string): Promise<Reply> =>
  send(base, {
    body: rpc("tools/list", undefined, 1),
    headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding },
  });

function decoded(reply: Reply): unknown {
  const coding = reply.headers["content-encoding"];
  const body =
    coding === "br"
      ? brotliDecompressSync(reply.body)
      : coding === "gzip"
        ? gunzipSync(reply.body)
        : reply.body;
  return JSON.parse(body.toString("utf8"));
}

describe("response compression", () => {
  it("compresses a large JSON reply with br when the client accepts br and gzip; it decodes to the same JSON", async () => {
    const plain = await toolsList();
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(10_000);
    const reply = await toolsList("gzip, deflate, br");
    expect(reply.status).toBe(200);
    expect(reply.headers["content-encoding"]).toBe("br");
    expect(reply.headers.vary).toBe("Accept-Encoding");
    expect(reply.headers["content-type"]).toBe("application/json");
    expect(Number(reply.headers["content-length"])).toBe(reply.body.length);
    expect(reply.body.length).toBeLessThan(plain.body.length / 4);
    expect(decoded(reply)).toEqual(plain.json);
  });

  it.each([
    ["gzip", "gzip"],
    ["gzip, deflate", "gzip"],
    ["x-gzip", "gzip"],
    ["br;q=0.5, gzip", "gzip"],
    ["br;q=0, *", "gzip"],
    ["*", "br"],
    ["GZIP;Q=0.2, BR;Q=0.8", "br"],
  ])("honours Accept-Encoding %j with %s", async (header, coding) => {
    const reply = await toolsList(header);
    expect(reply.headers["content-encoding"]).toBe(coding);
    expect(reply.headers.vary).toBe("Accept-Encoding");
    expect(decoded(reply)).toEqual((await toolsList()).json);
  });

  it.each([
    ["no header", undefined],
    ["an empty header", ""],
    ["identity", "identity"],
    ["gzip;q=0", "gzip;q=0"],
    ["both refused", "br;q=0, gzip;q=0, deflate"],
    ["only codings we do not produce", "deflate, zstd"],
    ["identity preferred", "gzip;q=0.5, identity"],
    ["everything refused but identity", "*;q=0, identity"],
  ])("answers identity (with Vary) for %s", async (_label, header) => {
    const reply = await toolsList(header);
    expect(reply.headers["content-encoding"]).toBeUndefined();
    expect(reply.headers.vary).toBe("Accept-Encoding");
    expect(Number(reply.headers["content-length"])).toBe(reply.body.length);
    expect(reply.json.result.tools).toHaveLength(100);
  });

  it("compresses a 2026-07-28 JSON reply as well", async () => {
    const { body, headers } = modern("tools/list");
    const plain = await send(base, { body, headers });
    const reply = await send(base, { body, headers: { ...headers, "accept-encoding": "gzip" } });
    expect(reply.status).toBe(200);
    expect(reply.headers["content-encoding"]).toBe("gzip");
    expect((decoded(reply) as { result: unknown }).result).toEqual(plain.json.result);
  });

  it("compresses a large /readyz body", async () => {
    const reply = await send(base, { method: "GET", path: "/readyz", headers: { "accept-encoding": "br" } });
    expect(reply.status).toBe(200);
    expect(reply.headers["content-encoding"]).toBe("br");
    expect(decoded(reply)).toMatchObject({ status: "ok", plugins: expect.any(Array) });
  });

  it("leaves small replies uncompressed (with Vary)", async () => {
    const reply = await send(base, {
      body: rpc("tools/call", { name: "echo", arguments: { text: "hi" } }),
      headers: { "accept-encoding": "gzip, br" },
    });
    expect(reply.headers["content-encoding"]).toBeUndefined();
    expect(reply.headers.vary).toBe("Accept-Encoding");
    expect(reply.json.result.content[0].text).toBe("hi");
    const health = await send(base, {
      method: "GET",
      path: "/healthz",
      headers: { "accept-encoding": "br" },
    });
    expect(health.headers["content-encoding"]).toBeUndefined();
    expect(health.json).toEqual({ status: "ok" });
  });

  it("is decoded transparently by fetch (undici)", async () => {
    const response = await fetch(running.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify(rpc("tools/list", undefined, 1)),
    });
    expect(["br", "gzip"]).toContain(response.headers.get("content-encoding"));
    expect(await response.json()).toEqual((await toolsList()).json);
  });

  it("never compresses SSE: a streamed reply to POST, a legacy GET stream, /sse", async () => {
    const acceptEncoding = { "accept-encoding": "gzip, br" };
    const { body, headers } = modern(
      "tools/call",
      { name: "progress", arguments: {} },
      { meta: { progressToken: "p" } },
    );
    const streamed = await openStream(base, { body, headers: { ...headers, ...acceptEncoding } });
    await streamed.ended;
    expect(streamed.headers["content-type"]).toBe("text/event-stream");
    expect(streamed.headers["content-encoding"]).toBeUndefined();
    expect(streamed.events.at(-1)?.message.result.content[0].text).toBe("progress done");

    const session = await openSession(base);
    const get = await openStream(base, {
      method: "GET",
      headers: { ...sessionHeaders(session), ...acceptEncoding },
    });
    expect(get.headers["content-type"]).toBe("text/event-stream");
    expect(get.headers["content-encoding"]).toBeUndefined();
    get.close();

    const sse = await openStream(base, { method: "GET", path: "/sse", headers: acceptEncoding });
    expect(sse.headers["content-type"]).toBe("text/event-stream");
    expect(sse.headers["content-encoding"]).toBeUndefined();
    expect(sse.raw()).toContain("event: endpoint");
    sse.close();
  });
});

describe("compressAboveBytes", () => {
  it("0 turns compression off: no Content-Encoding and no Vary", async () => {
    const { server } = createFixtureServer();
    const off = await startHttpServer(server, {
      port: 0,
      compressAboveBytes: 0,
      readinessDetail: () => ({ pad: "x".repeat(5000) }),
    });
    try {
      const reply = await send(new URL(off.url), {
        method: "GET",
        path: "/readyz",
        headers: { "accept-encoding": "gzip, br" },
      });
      expect(reply.headers["content-encoding"]).toBeUndefined();
      expect(reply.headers.vary).toBeUndefined();
      expect(reply.json.pad).toHaveLength(5000);
    } finally {
      await off.close(100);
    }
  });

  it("rejects a negative or fractional threshold with a TypeError naming the option", async () => {
    const { server } = createFixtureServer();
    await expect(startHttpServer(server, { port: 0, compressAboveBytes: -1 })).rejects.toThrow(
      '"compressAboveBytes" option must be a non-negative integer',
    );
  });
});

describe("a client that leaves while its reply is being compressed", () => {
  it("gets nothing written after it left, and nothing crashes", async () => {
    const events: TransportEvent[] = [];
    const replies = new JsonReplies(1, (event) => events.push(event));
    const left: ServerResponse[] = [];
    const http = createServer((req, res) => {
      // A few megabytes keep the thread pool busy long enough for the socket to go first.
      replies.json(res, 200, JSON.stringify({ pad: "abcdefgh".repeat(500_000) }));
      req.socket.destroy();
      left.push(res);
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    try {
      const port = (http.address() as AddressInfo).port;
      const url = `http://127.0.0.1:${port}/`;
      await expect(fetch(url, { headers: { "accept-encoding": "br" } })).rejects.toThrow();
      await expect(fetch(url, { headers: { "accept-encoding": "gzip" } })).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(left).toHaveLength(2);
      for (const res of left) expect(res.headersSent).toBe(false);
      expect(events).toEqual([]);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
