/**
 * The fetch-style handler (`@mcp-runtime/transport-http/fetch`): real `Request` objects for every
 * refusal, the official SDK v2 client with a `fetch` that calls the handler directly, and the same
 * handler behind a real node:http server on port 0, called with global fetch.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetchHandler, type FetchHandler } from "../src/fetch.js";
import { createFixtureServer, type FixtureState } from "./support/fixture-server.js";
import { INITIALIZE, MODERN, modern, rpc } from "./support/wire.js";

const URL_BASE = "https://mcp.example.test/mcp";
const LIMIT = 4096;

let handler: FetchHandler;
let state: FixtureState;

beforeAll(() => {
  const fixture = createFixtureServer();
  state = fixture.state;
  handler = createFetchHandler(fixture.server, {
    maxMessageBytes: LIMIT,
    allowedOrigins: ["https://app.example.test"],
  });
});

function post(
  body: unknown,
  headers: Record<string, string> = {},
  init: RequestInit = {},
): Promise<Response> {
  return handler(
    new Request(URL_BASE, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
      ...init,
    }),
  );
}

function postModern(method: string, params: Record<string, unknown>, headers: Record<string, string> = {}) {
  const request = modern(method, params);
  return post(request.body, { ...request.headers, ...headers });
}

/** Status, JSON-RPC error code and message of a refusal. */
async function refusal(response: Response): Promise<{ status: number; code: number; message: string }> {
  expect(response.headers.get("content-type")).toBe("application/json");
  const body = (await response.json()) as { error: { code: number; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}

/** SSE `data:` payloads of a finished stream, parsed. */
async function sseMessages(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.includes("data: "))
    .map((block) => JSON.parse(block.slice(block.indexOf("data: ") + 6)) as Record<string, unknown>);
}

describe("fetch handler: 2026-07-28 requests", () => {
  it("answers a tools/call with one JSON body carrying resultType", async () => {
    const response = await postModern("tools/call", { name: "echo", arguments: { text: "hi" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = (await response.json()) as { result: { resultType: string; content: unknown } };
    expect(body.result.resultType).toBe("complete");
    expect(body.result.content).toEqual([{ type: "text", text: "hi" }]);
  });

  it("streams progress as SSE, then the result as the last event, as the express transport does", async () => {
    const request = modern(
      "tools/call",
      { name: "progress", arguments: {} },
      { meta: { progressToken: "p1" } },
    );
    const response = await post(request.body, request.headers);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const messages = await sseMessages(response);
    expect(messages.map((m) => m.method ?? "result")).toEqual([
      "notifications/progress",
      "notifications/progress",
      "notifications/progress",
      "result",
    ]);
    const last = messages[3] as { result: { content: { text: string }[] } };
    expect(last.result.content[0]?.text).toBe("progress done");
  });

  it("accepts a base64-sentinel Mcp-Name and a charset on the Content-Type", async () => {
    const response = await postModern(
      "tools/call",
      { name: "echo", arguments: { text: "b64" } },
      { "mcp-name": "=?base64?ZWNobw==?=", "content-type": "Application/JSON; charset=utf-8" },
    );
    expect(response.status).toBe(200);
  });

  it("answers a notification with 202 and no body", async () => {
    const { body, headers } = modern("notifications/cancelled", { requestId: "none" });
    const { id: _id, ...notification } = body;
    const response = await post(notification, headers);
    expect(response.status).toBe(202);
    expect(await response.text()).toBe("");
  });

  it("cancels the call when the client aborts the request", async () => {
    const before = state.slowAborted;
    const controller = new AbortController();
    const { body, headers } = modern("tools/call", { name: "slow", arguments: { ms: 10_000 } });
    const started = state.slowStarted;
    const pending = post(body, headers, { signal: controller.signal });
    while (state.slowStarted === started) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await pending;
    while (state.slowAborted === before) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(state.slowAborted).toBe(before + 1);
  });
});

describe("fetch handler: header checks (as the express transport's modern POST)", () => {
  it("refuses a missing MCP-Protocol-Version with -32020, HTTP 400", async () => {
    const { body, headers } = modern("tools/list");
    const { "mcp-protocol-version": _version, ...rest } = headers;
    expect(await refusal(await post(body, rest))).toEqual({
      status: 400,
      code: -32020,
      message: "Header mismatch: missing MCP-Protocol-Version header",
    });
  });

  it("refuses an MCP-Protocol-Version that disagrees with _meta", async () => {
    const result = await refusal(
      await postModern("tools/list", {}, { "mcp-protocol-version": "2026-01-01" }),
    );
    expect(result).toMatchObject({ status: 400, code: -32020 });
    expect(result.message).toContain("does not match params._meta protocolVersion");
  });

  it("refuses a missing or different Mcp-Method", async () => {
    const { body, headers } = modern("tools/list");
    const { "mcp-method": _method, ...rest } = headers;
    expect(await refusal(await post(body, rest))).toMatchObject({
      status: 400,
      code: -32020,
      message: "Header mismatch: missing Mcp-Method header",
    });
    expect(await refusal(await post(body, { ...rest, "mcp-method": "prompts/list" }))).toMatchObject({
      status: 400,
      code: -32020,
      message: "Header mismatch: Mcp-Method header does not match the request method",
    });
  });

  it("refuses a missing, different or badly encoded Mcp-Name", async () => {
    const { body, headers } = modern("tools/call", { name: "echo", arguments: { text: "x" } });
    const { "mcp-name": _name, ...rest } = headers;
    expect((await refusal(await post(body, rest))).message).toBe("Header mismatch: missing Mcp-Name header");
    expect((await refusal(await post(body, { ...rest, "mcp-name": "other" }))).message).toBe(
      "Header mismatch: Mcp-Name header does not match params.name",
    );
    expect((await refusal(await post(body, { ...rest, "mcp-name": "=?base64?abc?=" }))).message).toBe(
      "Header mismatch: Mcp-Name header has an invalid base64 value",
    );
  });

  it("checks Mcp-Param-* headers of x-mcp-header arguments", async () => {
    const args = { name: "regional", arguments: { region: "eu" } };
    expect((await postModern("tools/call", args, { "mcp-param-region": "eu" })).status).toBe(200);
    expect((await refusal(await postModern("tools/call", args, { "mcp-param-region": "us" }))).message).toBe(
      "Header mismatch: mcp-param-region header does not match the argument",
    );
  });

  it("refuses modern headers without the _meta envelope as the express transport does", async () => {
    const headers = { "mcp-protocol-version": MODERN, "mcp-method": "tools/list" };
    expect(await refusal(await post(rpc("tools/list"), headers))).toMatchObject({
      status: 400,
      code: -32602,
    });
    const init = await refusal(await post(INITIALIZE(), { ...headers, "mcp-method": "initialize" }));
    expect(init).toMatchObject({ status: 404, code: -32601 });
  });

  it("refuses a JSON-RPC response in the body", async () => {
    const response = await post({ jsonrpc: "2.0", id: 1, result: {} }, { "mcp-protocol-version": MODERN });
    expect(await refusal(response)).toMatchObject({ status: 400, code: -32600 });
  });
});

describe("fetch handler: HTTP-level refusals", () => {
  it("answers GET, DELETE and OPTIONS with 405 and Allow: POST (no stream, no sessions, no CORS)", async () => {
    for (const method of ["GET", "DELETE", "OPTIONS"]) {
      const response = await handler(new Request(URL_BASE, { method }));
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
    }
  });

  it("refuses a body that is not application/json with 415", async () => {
    const { body, headers } = modern("tools/list");
    expect(await refusal(await post(body, { ...headers, "content-type": "text/plain" }))).toMatchObject({
      status: 415,
      code: -32600,
    });
    const bare = new Request(URL_BASE, { method: "POST", headers, body: JSON.stringify(body) });
    bare.headers.delete("content-type");
    expect((await handler(bare)).status).toBe(415);
  });

  it("refuses malformed JSON with -32700, HTTP 400", async () => {
    expect(await refusal(await post("{ not json", { "mcp-protocol-version": MODERN }))).toEqual({
      status: 400,
      code: -32700,
      message: "Parse error: invalid JSON",
    });
  });

  it("refuses a body over maxMessageBytes with 413 naming the limit, declared or streamed", async () => {
    const { headers } = modern("tools/call", { name: "echo" });
    const big = JSON.stringify(rpc("tools/call", { name: "echo", arguments: { text: "x".repeat(LIMIT) } }));
    const declared = await post(big, headers);
    expect(declared.status).toBe(413);
    const body = (await declared.json()) as { error: { code: number; data: { limit: number } } };
    expect(body.error).toMatchObject({ code: -32600, data: { limit: LIMIT } });
    // No Content-Length: the limit is enforced while reading.
    const chunks = [new TextEncoder().encode(big.slice(0, 3000)), new TextEncoder().encode(big.slice(3000))];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const streamed = await handler(
      new Request(URL_BASE, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
  });

  it("checks Origin like the express transport: absent, allowed or same-host pass, others get 403", async () => {
    const ok = (origin?: string) =>
      postModern("tools/list", {}, origin === undefined ? {} : { origin, host: "mcp.example.test" });
    expect((await ok()).status).toBe(200);
    expect((await ok("https://app.example.test")).status).toBe(200);
    expect((await ok("https://mcp.example.test")).status).toBe(200);
    expect(await refusal(await ok("https://evil.example"))).toEqual({
      status: 403,
      code: -32000,
      message: "Forbidden: Origin not allowed",
    });
  });

  it("checks Host only against allowedHosts when given", async () => {
    const guarded = createFetchHandler(createFixtureServer().server, { allowedHosts: ["mcp.example.test"] });
    const { body, headers } = modern("tools/list");
    const send = (host: string) =>
      guarded(
        new Request(URL_BASE, {
          method: "POST",
          headers: { ...headers, host, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    expect((await send("mcp.example.test")).status).toBe(200);
    expect((await refusal(await send("rebound.example"))).message).toBe("Forbidden: Host not allowed");
  });

  it("takes the host from the URL when the Host header is absent", async () => {
    const guarded = createFetchHandler(createFixtureServer().server, { allowedHosts: ["mcp.example.test"] });
    const { body, headers } = modern("tools/list");
    const init = { method: "POST", headers: { ...headers, "content-type": "application/json" } };
    const at = (url: string) => guarded(new Request(url, { ...init, body: JSON.stringify(body) }));
    expect((await at(URL_BASE)).status).toBe(200);
    expect((await at("https://other.example.test/mcp")).status).toBe(403);
  });

  it("answers 500 without details when a step throws, and reports the cause as an event", async () => {
    const events: unknown[] = [];
    const broken = createFetchHandler(createFixtureServer().server, {
      authenticate: () => {
        throw new Error("store down");
      },
      onEvent: (event) => events.push(event),
    });
    const { body, headers } = modern("tools/list");
    const response = await broken(
      new Request(URL_BASE, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
    expect(await refusal(response)).toEqual({ status: 500, code: -32603, message: "Internal error" });
    expect(events).toEqual([{ msg: "request failed", error: "store down" }]);
  });

  it("names the option when maxMessageBytes is not a positive integer", () => {
    const { server } = createFixtureServer();
    expect(() => createFetchHandler(server, { maxMessageBytes: 0 })).toThrow(
      new TypeError('"maxMessageBytes" option must be a positive integer'),
    );
  });

  it("refuses an unauthenticated caller with the authenticator's status and headers", async () => {
    const guarded = createFetchHandler(createFixtureServer().server, {
      authenticate: (request) =>
        request.headers.get("authorization") === "Bearer good"
          ? { ok: true, subject: "alice" }
          : { ok: false, status: 401, message: "Unauthorized", headers: { "www-authenticate": "Bearer" } },
    });
    const { body, headers } = modern("tools/list");
    const send = (extra: Record<string, string>) =>
      guarded(
        new Request(URL_BASE, {
          method: "POST",
          headers: { ...headers, ...extra, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const refused = await send({});
    expect(refused.headers.get("www-authenticate")).toBe("Bearer");
    expect(await refusal(refused)).toMatchObject({ status: 401, code: -32000 });
    expect((await send({ authorization: "Bearer good" })).status).toBe(200);
  });
});

describe("fetch handler: 2025-era requests (stateless only)", () => {
  const stateless = { status: 400, code: -32022 };

  it("refuses initialize with -32022 and the supported versions", async () => {
    const initialize = INITIALIZE();
    const response = await post(initialize);
    const body = (await response.clone().json()) as { id: unknown; error: { data: unknown } };
    expect(await refusal(response)).toMatchObject(stateless);
    expect(body.id).toBe(initialize.id);
    expect(body.error.data).toEqual({ supported: [MODERN] });
  });

  it("refuses a request with Mcp-Session-Id and no envelope, a 2025 version header, and batches", async () => {
    const result = await refusal(await post(rpc("tools/list"), { "mcp-session-id": "abc" }));
    expect(result).toMatchObject(stateless);
    expect(result.message).toContain("stateless");
    expect(
      await refusal(await post(rpc("tools/list"), { "mcp-protocol-version": "2025-06-18" })),
    ).toMatchObject(stateless);
    expect(await refusal(await post([rpc("tools/list"), rpc("prompts/list")]))).toMatchObject(stateless);
    const modernBatch = await post([rpc("tools/list")], { "mcp-protocol-version": MODERN });
    expect(await refusal(modernBatch)).toMatchObject({ status: 400, code: -32600 });
  });
});

describe("fetch handler with the official SDK v2 client", () => {
  const direct = (url: string | URL, init?: RequestInit) => handler(new Request(url, init));

  it("negotiates 2026-07-28, lists tools and calls one through a fetch that calls the handler", async () => {
    const client = new Client(
      { name: "fetch-test", version: "1.0.0" },
      { versionNegotiation: { mode: "auto" } },
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(URL_BASE), { fetch: direct }));
    try {
      expect(client.getProtocolEra()).toBe("modern");
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("echo");
      const result = await client.callTool({ name: "echo", arguments: { text: "from sdk" } });
      expect(result.content).toEqual([{ type: "text", text: "from sdk" }]);
    } finally {
      await client.close();
    }
  });

  it("tells a 2025-only client at connect that the endpoint is stateless", async () => {
    const client = new Client({ name: "legacy-test", version: "1.0.0" });
    await expect(
      client.connect(new StreamableHTTPClientTransport(new URL(URL_BASE), { fetch: direct })),
    ).rejects.toThrow(/-32022.*stateless and serves 2026-07-28 only/);
  });
});

/** A Request/Response adapter: how a node:http server serves a fetch handler. */
function nodeAdapter(fetchHandler: FetchHandler) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method ?? "GET",
      headers: Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])) as [
        string,
        string,
      ][],
      signal: controller.signal,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
    } as RequestInit);
    const response = await fetchHandler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body === null) res.end();
    else Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(res);
  };
}

describe("fetch handler on a real node:http server", () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer(nodeAdapter(handler));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("serves a tools/call over a real socket with global fetch", async () => {
    const { body, headers } = modern("tools/call", { name: "echo", arguments: { text: "over http" } });
    const response = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { result: { content: unknown } };
    expect(json.result.content).toEqual([{ type: "text", text: "over http" }]);
  });

  it("streams progress as SSE over a real socket", async () => {
    const request = modern("tools/call", { name: "progress", arguments: {} }, { meta: { progressToken: 7 } });
    const response = await fetch(url, {
      method: "POST",
      headers: { ...request.headers, "content-type": "application/json" },
      body: JSON.stringify(request.body),
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect((await sseMessages(response)).length).toBe(4);
  });

  it("serves the SDK v2 client over a real socket", async () => {
    const client = new Client(
      { name: "http-test", version: "1.0.0" },
      { versionNegotiation: { mode: "auto" } },
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    try {
      const result = await client.callTool({ name: "echo", arguments: { text: "sdk over http" } });
      expect(result.content).toEqual([{ type: "text", text: "sdk over http" }]);
    } finally {
      await client.close();
    }
  });
});
