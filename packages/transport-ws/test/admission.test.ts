import { afterEach, describe, expect, it } from "vitest";
import type { WebSocketTransportEvent } from "../src/index.js";
import { start, stopAll, TestClient } from "./support.js";

afterEach(stopAll);

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

const TOO_MANY = {
  code: -32029,
  message: "Too many requests: retry after 2 s",
  data: { limit: "client", retryAfterSeconds: 2 },
};

describe("per-client admission over WebSocket", () => {
  it("answers a request over the limit with a JSON-RPC error carrying its id; notifications are not counted", async () => {
    const limiter = counter(3);
    const { url } = await start({ admit: limiter.admit });
    const client = await TestClient.connect(url);
    await client.initialize(); // one request, one notification
    expect(await client.request("ping")).toMatchObject({ result: {} });
    client.send({ jsonrpc: "2.0", method: "notifications/roots/list_changed" });
    expect(await client.request("ping")).toMatchObject({ result: {} });
    client.send({ jsonrpc: "2.0", id: "over", method: "ping" });
    expect(await client.next()).toEqual({ jsonrpc: "2.0", id: "over", error: TOO_MANY });
    expect(limiter.keys).toEqual(Array(4).fill("ip:127.0.0.1"));
    // The connection stays open.
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    await client.close();
  });

  it("keys an authenticated connection by subject", async () => {
    const limiter = counter(100);
    const { url } = await start({
      admit: limiter.admit,
      authenticate: (request) => (request.headers.authorization === "Bearer alice" ? "alice" : undefined),
    });
    const alice = await TestClient.connect(url, { headers: { Authorization: "Bearer alice" } });
    await alice.request("ping");
    const anonymous = await TestClient.connect(url);
    await anonymous.request("ping");
    expect(limiter.keys).toEqual(["sub:alice", "ip:127.0.0.1"]);
    await Promise.all([alice.close(), anonymous.close()]);
  });

  it("takes the address from X-Forwarded-For of the upgrade request only with trustProxyHops", async () => {
    const forwarded = { headers: { "X-Forwarded-For": "198.51.100.1, 203.0.113.7" } };
    const direct = counter(100);
    const plain = await start({ admit: direct.admit });
    const one = await TestClient.connect(plain.url, forwarded);
    await one.request("ping");
    const proxied = counter(100);
    const behindProxy = await start({ admit: proxied.admit, trustProxyHops: 1 });
    const two = await TestClient.connect(behindProxy.url, forwarded);
    await two.request("ping");
    expect(direct.keys).toEqual(["ip:127.0.0.1"]);
    expect(proxied.keys).toEqual(["ip:203.0.113.7"]);
    await Promise.all([one.close(), two.close()]);
  });

  it("answers each request of a refused batch", async () => {
    const { url } = await start({ admit: () => 1500 });
    const client = await TestClient.connect(url);
    client.send([
      { jsonrpc: "2.0", id: "a", method: "ping" },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: "b", method: "ping" },
    ]);
    expect(await client.next()).toEqual([
      { jsonrpc: "2.0", id: "a", error: TOO_MANY },
      { jsonrpc: "2.0", id: "b", error: TOO_MANY },
    ]);
    await client.close();
  });

  it("keeps arrival order while an asynchronous limiter answers", async () => {
    // The first answer is the slowest: without ordering, the second ping would be served first.
    const delays = [40, 0];
    const { url } = await start({
      admit: async () => {
        await new Promise((resolve) => setTimeout(resolve, delays.shift() ?? 0));
        return 0;
      },
    });
    const client = await TestClient.connect(url);
    client.send({ jsonrpc: "2.0", id: 1, method: "ping" });
    client.send({ jsonrpc: "2.0", id: 2, method: "ping" });
    expect((await client.next()).id).toBe(1);
    expect((await client.next()).id).toBe(2);
    await client.close();
  });

  it("admits (fail open) and reports it when the limiter throws or rejects", async () => {
    const events: WebSocketTransportEvent[] = [];
    const failures: (() => number | Promise<number>)[] = [
      () => {
        throw new Error("store down");
      },
      () => Promise.reject(new Error("store timed out")),
    ];
    const { url } = await start({
      admit: () => (failures.shift() ?? (() => 0))(),
      onEvent: (event) => events.push(event),
    });
    const client = await TestClient.connect(url);
    expect(await client.request("ping")).toMatchObject({ result: {} });
    expect(await client.request("ping")).toMatchObject({ result: {} });
    expect(events).toEqual([
      { msg: "admission failed; request admitted", error: "store down" },
      { msg: "admission failed; request admitted", error: "store timed out" },
    ]);
    await client.close();
  });
});
