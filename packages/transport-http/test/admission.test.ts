import { afterEach, describe, expect, it } from "vitest";
import {
  type HttpTransportOptions,
  type RunningHttpServer,
  startHttpServer,
  type TransportEvent,
} from "../src/index.js";
import { createFixtureServer } from "./support/fixture-server.js";
import { openSession, openStream, rpc, send, sessionHeaders } from "./support/wire.js";

/** Admits `allow` requests per key, then asks each caller to wait `waitMs`; records every key asked. */
function counter(allow: number, waitMs = 1500) {
  const keys: string[] = [];
  const counts = new Map<string, number>();
  return {
    keys,
    admit(key: string): number {
      keys.push(key);
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      return count > allow ? waitMs : 0;
    },
  };
}

const started: RunningHttpServer[] = [];

async function start(options: HttpTransportOptions): Promise<URL> {
  const running = await startHttpServer(createFixtureServer().server, { port: 0, ...options });
  started.push(running);
  return new URL(running.url);
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((running) => running.close(100)));
});

const call = () => rpc("tools/call", { name: "echo", arguments: { text: "hi" } });

const TOO_MANY = {
  jsonrpc: "2.0",
  id: null,
  error: {
    code: -32029,
    message: "Too many requests: retry after 2 s",
    data: { limit: "client", retryAfterSeconds: 2 },
  },
};

const authenticate: HttpTransportOptions["authenticate"] = (req) =>
  req.headers.authorization === "Bearer alice"
    ? { ok: true, subject: "alice" }
    : { ok: false, status: 401, message: "Unauthorized", headers: { "www-authenticate": "Bearer" } };

describe("per-client admission", () => {
  it("refuses a client over its limit with 429, Retry-After and a JSON-RPC error; keyed by ip without auth", async () => {
    const limiter = counter(3);
    const base = await start({ admit: limiter.admit });
    for (let i = 0; i < 3; i++) expect((await send(base, { body: call() })).status).toBe(200);
    const refused = await send(base, { body: call() });
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("2");
    expect(refused.headers["content-type"]).toBe("application/json");
    expect(refused.json).toEqual(TOO_MANY);
    expect(limiter.keys).toEqual(Array(4).fill("ip:127.0.0.1"));
  });

  it("asks once per request to every MCP endpoint (POST, GET stream, DELETE, /sse, /messages), not for probes", async () => {
    const limiter = counter(100);
    const base = await start({ admit: limiter.admit });
    const session = await openSession(base);
    const get = await openStream(base, { method: "GET", headers: sessionHeaders(session) });
    expect(get.status).toBe(200);
    get.close();
    expect((await send(base, { method: "DELETE", headers: sessionHeaders(session) })).status).toBe(200);
    const sse = await openStream(base, { method: "GET", path: "/sse" });
    const endpoint = /data: (\/messages\?sessionId=[0-9a-f-]+)/.exec(sse.raw())?.[1];
    expect((await send(base, { path: endpoint, body: rpc("ping") })).status).toBe(202);
    sse.close();
    await send(base, { method: "GET", path: "/healthz" });
    await send(base, { method: "GET", path: "/readyz" });
    expect(limiter.keys).toHaveLength(5);
  });

  it("refuses a GET /sse over the limit with a JSON 429, not a stream", async () => {
    const base = await start({ admit: () => 1 });
    const refused = await send(base, { method: "GET", path: "/sse" });
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("1");
    expect(refused.json.error.data).toEqual({ limit: "client", retryAfterSeconds: 1 });
  });

  it("keys an authenticated caller by subject", async () => {
    const limiter = counter(3);
    const base = await start({ admit: limiter.admit, authenticate });
    const headers = { authorization: "Bearer alice" };
    for (let i = 0; i < 3; i++) expect((await send(base, { body: call(), headers })).status).toBe(200);
    expect((await send(base, { body: call(), headers })).status).toBe(429);
    expect(limiter.keys).toEqual(Array(4).fill("sub:alice"));
  });

  it("counts a refused authentication against the address: 401 until over the limit, then 429", async () => {
    const limiter = counter(3);
    const base = await start({ admit: limiter.admit, authenticate });
    const bad = { authorization: "Bearer forged" };
    for (let i = 0; i < 3; i++) {
      const reply = await send(base, { body: call(), headers: bad });
      expect(reply.status).toBe(401);
      expect(reply.headers["www-authenticate"]).toBe("Bearer");
    }
    const throttled = await send(base, { body: call(), headers: bad });
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("2");
    expect(throttled.json).toEqual(TOO_MANY);
    expect(limiter.keys).toEqual(Array(4).fill("ip:127.0.0.1"));
    // The authenticated subject has a budget of its own.
    expect((await send(base, { body: call(), headers: { authorization: "Bearer alice" } })).status).toBe(200);
  });

  it("ignores X-Forwarded-For without trustProxyHops", async () => {
    const limiter = counter(100);
    const base = await start({ admit: limiter.admit });
    await send(base, { body: call(), headers: { "x-forwarded-for": "203.0.113.7" } });
    expect(limiter.keys).toEqual(["ip:127.0.0.1"]);
  });

  it("takes the client address trustProxyHops entries from the right of X-Forwarded-For", async () => {
    const limiter = counter(100);
    const base = await start({ admit: limiter.admit, trustProxyHops: 2 });
    const forwardedBy = async (value?: string) =>
      send(base, { body: call(), headers: value === undefined ? {} : { "x-forwarded-for": value } });
    await forwardedBy("192.0.2.66, 198.51.100.1, 203.0.113.7");
    await forwardedBy("198.51.100.1,203.0.113.7");
    await forwardedBy("203.0.113.7");
    await forwardedBy();
    expect(limiter.keys).toEqual(["ip:198.51.100.1", "ip:198.51.100.1", "ip:203.0.113.7", "ip:127.0.0.1"]);
  });

  it("waits for an asynchronous limiter", async () => {
    const answers = [0, 1500];
    const base = await start({
      admit: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return answers.shift() ?? 0;
      },
    });
    expect((await send(base, { body: call() })).status).toBe(200);
    const refused = await send(base, { body: call() });
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual(TOO_MANY);
  });

  it("admits (fail open) and reports it when the limiter throws or rejects", async () => {
    const events: TransportEvent[] = [];
    const failures: (() => number | Promise<number>)[] = [
      () => {
        throw new Error("store down");
      },
      () => Promise.reject(new Error("store timed out")),
    ];
    const base = await start({
      admit: () => (failures.shift() ?? (() => 0))(),
      onEvent: (event) => events.push(event),
    });
    expect((await send(base, { body: call() })).status).toBe(200);
    expect((await send(base, { body: call() })).status).toBe(200);
    expect(events).toEqual([
      { msg: "admission failed; request admitted", error: "store down" },
      { msg: "admission failed; request admitted", error: "store timed out" },
    ]);
  });

  it("rejects a negative trustProxyHops with a TypeError naming the option", async () => {
    await expect(start({ trustProxyHops: -1 })).rejects.toThrow(
      '"trustProxyHops" option must be a non-negative integer',
    );
  });
});
