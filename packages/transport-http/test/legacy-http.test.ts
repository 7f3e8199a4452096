import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningHttpServer, startHttpServer } from "../src/index.js";
import { createFixtureServer, type FixtureState } from "./support/fixture-server.js";
import { INITIALIZE, openSession, openStream, rpc, send, sessionHeaders } from "./support/wire.js";

let running: RunningHttpServer;
let base: URL;
let state: FixtureState;

beforeAll(async () => {
  const fixture = createFixtureServer();
  state = fixture.state;
  running = await startHttpServer(fixture.server, { port: 0, maxBodyBytes: 64 * 1024 });
  base = new URL(running.url);
});

afterAll(async () => {
  await running.close(1000);
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("2025-era sessions on /mcp", () => {
  it("mints a random Mcp-Session-Id on initialize and serves requests that carry it", async () => {
    const a = await openSession(base);
    const b = await openSession(base);
    expect(a).toMatch(UUID);
    expect(a).not.toBe(b);
    const reply = await send(base, {
      body: rpc("tools/call", { name: "echo", arguments: { text: "legacy" } }),
      headers: sessionHeaders(a),
    });
    expect(reply.status).toBe(200);
    expect(reply.json.result.content[0].text).toBe("legacy");
    expect(reply.json.result.resultType).toBeUndefined();
  });

  it("refuses a versioned request without Mcp-Session-Id with 400", async () => {
    const reply = await send(base, {
      body: rpc("tools/list"),
      headers: { "mcp-protocol-version": "2025-11-25" },
    });
    expect(reply.status).toBe(400);
  });

  it("answers an unknown session id with 404", async () => {
    const reply = await send(base, {
      body: rpc("tools/list"),
      headers: sessionHeaders("00000000-0000-4000-8000-000000000000"),
    });
    expect(reply.status).toBe(404);
  });

  it("refuses an unsupported MCP-Protocol-Version on a session with 400", async () => {
    const id = await openSession(base);
    const reply = await send(base, { body: rpc("tools/list"), headers: sessionHeaders(id, "1999-01-01") });
    expect(reply.status).toBe(400);
  });

  it("ends a session on DELETE; the id is then unknown (404)", async () => {
    const id = await openSession(base);
    expect((await send(base, { method: "DELETE", headers: sessionHeaders(id) })).status).toBe(200);
    expect((await send(base, { body: rpc("tools/list"), headers: sessionHeaders(id) })).status).toBe(404);
    expect(running.mcp.sessions.get(id)).toBeUndefined();
  });

  it("opens the server-to-client SSE stream on GET, and only one at a time (409)", async () => {
    const id = await openSession(base);
    const stream = await openStream(base, { method: "GET", headers: sessionHeaders(id) });
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toBe("text/event-stream");
    expect(stream.headers["x-accel-buffering"]).toBe("no");
    const second = await send(base, { method: "GET", headers: sessionHeaders(id) });
    expect(second.status).toBe(409);
    stream.close();
  });

  it("serves a bare tools/call without initialize or headers statelessly as 2025-03-26", async () => {
    const reply = await send(base, {
      body: rpc("tools/call", { name: "echo", arguments: { text: "hello" } }),
    });
    expect(reply.status).toBe(200);
    expect(reply.json.result.content).toEqual([{ type: "text", text: "hello" }]);
    expect(reply.headers["mcp-session-id"]).toBeUndefined();
  });

  it("answers batches for 2025-03-26 and refuses them after it", async () => {
    const batch = [rpc("tools/list"), rpc("tools/call", { name: "echo", arguments: { text: "b" } })];
    const stateless = await send(base, { body: batch });
    expect(stateless.status).toBe(200);
    expect(stateless.json).toHaveLength(2);
    const old = await openSession(base, "2025-03-26");
    const accepted = await send(base, { body: batch, headers: sessionHeaders(old, "2025-03-26") });
    expect(accepted.json).toHaveLength(2);
    const recent = await openSession(base, "2025-06-18");
    const refused = await send(base, { body: batch, headers: sessionHeaders(recent, "2025-06-18") });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe(-32600);
  });

  it("resumes a POST stream with Last-Event-ID, replaying exactly the missed events of that stream", async () => {
    const id = await openSession(base);
    const headers = sessionHeaders(id);
    // Two concurrent streams of one session, plus the standalone GET stream, all producing events.
    const first = await openStream(base, {
      body: rpc("tools/call", { name: "gated", arguments: { label: "A" }, _meta: { progressToken: "a" } }),
      headers,
    });
    const other = await openStream(base, {
      body: rpc("tools/call", { name: "gated", arguments: { label: "B" }, _meta: { progressToken: "b" } }),
      headers,
    });
    const [a1] = await first.waitFor(1);
    await other.waitFor(1);
    expect(a1?.id).toBeDefined();
    expect(a1?.message.params.message).toBe("A-1");
    first.close();
    state.gate.open();
    await other.ended;
    // The gated call of A finished while disconnected; its events were recorded.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const resumed = await openStream(base, {
      method: "GET",
      headers: { ...headers, "last-event-id": a1?.id ?? "" },
    });
    expect(resumed.status).toBe(200);
    await resumed.ended;
    const replayed = resumed.events.map(
      (e) => e.message.params?.message ?? e.message.result?.content[0].text,
    );
    expect(replayed).toEqual(["A-2", "A-3", "A done"]);
    // Another stream's ids replay only that stream; another session's ids replay nothing.
    const b1 = other.events[0]?.id ?? "";
    const fromB = await openStream(base, { method: "GET", headers: { ...headers, "last-event-id": b1 } });
    await fromB.ended;
    expect(fromB.events.map((e) => e.message.params?.message ?? e.message.result?.content[0].text)).toEqual([
      "B-2",
      "B-3",
      "B done",
    ]);
    const stranger = await openSession(base);
    const foreign = await openStream(base, {
      method: "GET",
      headers: { ...sessionHeaders(stranger), "last-event-id": a1?.id ?? "" },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(foreign.events).toEqual([]);
    foreign.close();
  });
});

describe("edges of the endpoint", () => {
  it("refuses a foreign Host with 403 (DNS rebinding)", async () => {
    const reply = await send(base, { body: INITIALIZE(), headers: { host: "evil.example.com" } });
    expect(reply.status).toBe(403);
  });

  it("refuses a foreign Origin with 403 and accepts the same-host origin or none", async () => {
    const evil = await send(base, { body: INITIALIZE(), headers: { origin: "http://evil.example.com" } });
    expect(evil.status).toBe(403);
    const same = await send(base, { body: INITIALIZE(), headers: { origin: `http://${base.host}` } });
    expect(same.status).toBe(200);
    const localhost = await send(base, {
      body: INITIALIZE(),
      headers: { host: `localhost:${base.port}`, origin: `http://localhost:${base.port}` },
    });
    expect(localhost.status).toBe(200);
  });

  it("refuses a body over the limit with 413", async () => {
    const reply = await send(base, { raw: JSON.stringify({ pad: "x".repeat(70 * 1024) }) });
    expect(reply.status).toBe(413);
  });

  it("refuses a chunked body over the limit with 413 without reading all of it", async () => {
    const reply = await send(base, {
      raw: Buffer.alloc(200 * 1024, 0x20),
      headers: { "transfer-encoding": "chunked" },
    });
    expect(reply.status).toBe(413);
  });

  it("answers malformed JSON with 400 and -32700", async () => {
    const reply = await send(base, { raw: "{not json" });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(-32700);
    expect(reply.text).not.toContain("at ");
  });

  it("reports health and readiness", async () => {
    expect((await send(base, { method: "GET", path: "/healthz" })).json).toEqual({ status: "ok" });
    expect((await send(base, { method: "GET", path: "/readyz" })).status).toBe(200);
  });
});
