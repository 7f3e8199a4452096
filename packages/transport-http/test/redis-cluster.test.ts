import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { JsonRpcMessage, JsonRpcRequest } from "@mcp-runtime/protocol";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as entry from "../src/redis.js";
import {
  type BusMessage,
  RedisSessionCluster,
  type RedisSessionClusterOptions,
  type SessionState,
} from "../src/redis.js";
import { startRedis, type TestRedis } from "./support/redis.js";

let redis: TestRedis;
let plain: Redis;
let prefix: string;
const opened: RedisSessionCluster[] = [];

beforeAll(async () => {
  redis = await startRedis();
  plain = new Redis(redis.url);
});

afterAll(async () => {
  await plain.quit();
  await redis.stop();
});

beforeEach(() => {
  // every test on its own keys and channels
  prefix = `test-${randomUUID()}:`;
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((node) => node.close()));
  const keys = await plain.keys(`${prefix}*`);
  if (keys.length > 0) await plain.del(...keys);
});

/** A started node on this test's own prefix; closed after the test. */
async function node(options: Partial<RedisSessionClusterOptions> = {}): Promise<RedisSessionCluster> {
  const cluster = new RedisSessionCluster({ url: redis.url, prefix, ...options });
  opened.push(cluster);
  await cluster.start();
  return cluster;
}

const state: SessionState = {
  v: 1,
  kind: "streamable",
  subject: "alice",
  protocolVersion: "2025-06-18",
  clientCapabilities: { roots: {} },
  subscriptions: ["file:///a"],
};

const note = (n: number): JsonRpcMessage => ({
  jsonrpc: "2.0",
  method: "notifications/progress",
  params: { n },
});
const request: JsonRpcRequest = { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "slow" } };

/** Resolves with the next message the listener gets. */
function inbox(): {
  listener: (message: BusMessage) => void;
  received: BusMessage[];
  next(): Promise<BusMessage>;
} {
  const received: BusMessage[] = [];
  let waiter: ((message: BusMessage) => void) | undefined;
  return {
    received,
    listener(message) {
      received.push(message);
      waiter?.(message);
      waiter = undefined;
    },
    next: () =>
      new Promise((resolve, reject) => {
        waiter = resolve;
        setTimeout(() => reject(new Error("no bus message within 2 s")), 2_000).unref();
      }),
  };
}

describe("RedisSessionCluster", () => {
  it("is the only runtime export of the ./redis entry", () => {
    expect(Object.keys(entry)).toEqual(["RedisSessionCluster"]);
  });

  describe("session state", () => {
    it("saves, loads, touches and deletes a session", async () => {
      const a = await node();
      const b = await node();
      await a.saveSession("s1", state, 60_000);
      expect(await b.loadSession("s1")).toEqual(state);
      expect(await b.touchSession("s1", 60_000)).toBe(true);
      await b.deleteSession("s1");
      expect(await a.loadSession("s1")).toBeUndefined();
      expect(await a.touchSession("s1", 60_000)).toBe(false);
    });

    it("expires a session after its ttl unless touched", async () => {
      const a = await node();
      await a.saveSession("gone", state, 80);
      await a.saveSession("kept", state, 80);
      await sleep(40);
      expect(await a.touchSession("kept", 400)).toBe(true);
      await sleep(100);
      expect(await a.loadSession("gone")).toBeUndefined();
      expect(await a.touchSession("gone", 400)).toBe(false);
      expect(await a.loadSession("kept")).toEqual(state);
    });

    it("ignores and reports a malformed stored state", async () => {
      const errors: string[] = [];
      const a = await node({ onError: (_error, operation) => errors.push(operation) });
      await plain.set(`${prefix}s:{bad}`, '{"v":2}');
      expect(await a.loadSession("bad")).toBeUndefined();
      expect(errors).toEqual(["loadSession"]);
    });
  });

  describe("stream events", () => {
    it("reads appended events oldest first, ending with the end marker", async () => {
      const a = await node();
      for (let n = 0; n < 50; n++) a.appendEvent("s1", "st_a", `e${n}`, note(n), 60_000);
      a.appendEvent("s1", "st_a", "e50", undefined, 60_000);
      const events = await a.readEvents("s1", "st_a");
      expect(events).toHaveLength(51);
      expect(events[0]).toEqual({ id: "e0", message: note(0) });
      expect(events.slice(0, 50).map((event) => event.id)).toEqual(
        Array.from({ length: 50 }, (_, n) => `e${n}`),
      );
      expect(events[50]).toEqual({ id: "e50", end: true });
      expect(await a.readEvents("s1", "unknown")).toEqual([]);
    });

    it("keeps a bounded number of events, the newest", async () => {
      const a = await node({ maxEventsPerStream: 10 });
      for (let n = 0; n < 300; n++) a.appendEvent("s1", "st", `e${n}`, note(n), 60_000);
      const ids = (await a.readEvents("s1", "st")).map((event) => event.id);
      // approximate trimming drops whole stream nodes (100 entries by default)
      expect(ids.length).toBeGreaterThanOrEqual(10);
      expect(ids.length).toBeLessThanOrEqual(110);
      expect(ids.at(-1)).toBe("e299");
      const first = 300 - ids.length;
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, k) => `e${first + k}`));
    });

    it("interleaves the appends of two nodes in the order they landed", async () => {
      const a = await node();
      const b = await node();
      a.appendEvent("s1", "st", "a1", note(1), 60_000);
      await a.readEvents("s1", "st"); // same connection: a1 has landed
      b.appendEvent("s1", "st", "b2", note(2), 60_000);
      b.appendEvent("s1", "st", "b3", note(3), 60_000);
      await b.readEvents("s1", "st");
      a.appendEvent("s1", "st", "a4", undefined, 60_000);
      await a.readEvents("s1", "st");
      const events = await b.readEvents("s1", "st");
      expect(events.map((event) => event.id)).toEqual(["a1", "b2", "b3", "a4"]);
      expect(events[3]).toEqual({ id: "a4", end: true });
    });

    it("expires a stream after its ttl", async () => {
      const a = await node();
      a.appendEvent("s1", "st", "e1", note(1), 60);
      expect(await a.readEvents("s1", "st")).toHaveLength(1);
      await sleep(120);
      expect(await a.readEvents("s1", "st")).toEqual([]);
    });

    it("skips and reports an entry it cannot decode", async () => {
      const errors: string[] = [];
      const a = await node({ onError: (_error, operation) => errors.push(operation) });
      a.appendEvent("s1", "st", "e1", note(1), 60_000);
      await a.readEvents("s1", "st");
      await plain.xadd(`${prefix}e:{s1}:st`, "*", "i", "e2", "m", "{not json");
      a.appendEvent("s1", "st", "e3", note(3), 60_000);
      const events = await a.readEvents("s1", "st");
      expect(events.map((event) => event.id)).toEqual(["e1", "e3"]);
      expect(errors).toEqual(["readEvents"]);
    });
  });

  describe("calls and adoption", () => {
    it("records the call behind a stream with the serving node", async () => {
      const a = await node();
      const b = await node();
      expect(await b.callOf("s1", "st")).toBeUndefined();
      a.recordCall("s1", "st", request, 60_000);
      await a.callOf("s1", "st");
      expect(await b.callOf("s1", "st")).toEqual({ node: a.nodeId, request });
      await plain.set(`${prefix}c:{s1}:bad`, '{"node":1}');
      expect(await b.callOf("s1", "bad")).toBeUndefined();
    });

    it("grants an adoption to exactly one node until the claim expires", async () => {
      const a = await node();
      const b = await node();
      const claims = await Promise.all([a.claimAdoption("s1", "st", 80), b.claimAdoption("s1", "st", 80)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await a.claimAdoption("s1", "st", 80)).toBe(false);
      await sleep(120);
      expect(await b.claimAdoption("s1", "st", 80)).toBe(true);
    });

    it("deletes a session's events, call records and state", async () => {
      const a = await node();
      await a.saveSession("s1", state, 60_000);
      a.appendEvent("s1", "st1", "e1", note(1), 60_000);
      a.appendEvent("s1", "st2", "e1", note(1), 60_000);
      a.recordCall("s1", "st2", request, 60_000);
      await a.claimAdoption("s1", "st2", 60_000);
      await a.saveSession("other", state, 60_000);
      await a.deleteSession("s1");
      expect(await a.readEvents("s1", "st1")).toEqual([]);
      expect(await a.readEvents("s1", "st2")).toEqual([]);
      expect(await a.callOf("s1", "st2")).toBeUndefined();
      expect(await a.loadSession("s1")).toBeUndefined();
      expect((await plain.keys(`${prefix}*{s1}*`)).sort()).toEqual([]);
      expect(await a.loadSession("other")).toEqual(state);
    });
  });

  describe("liveness", () => {
    it("sees a started node alive and a closed one dead at once", async () => {
      const a = await node();
      const b = await node();
      expect(await b.isNodeAlive(a.nodeId)).toBe(true);
      await a.close();
      await a.close(); // idempotent
      expect(await b.isNodeAlive(a.nodeId)).toBe(false);
      expect(await b.isNodeAlive("neverstarted")).toBe(false);
    });

    it("renews liveness every heartbeat with a ttl of three heartbeats", async () => {
      const a = await node({ heartbeatMs: 30 });
      const ttl = await plain.pttl(`${prefix}n:${a.nodeId}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(90);
      await sleep(200); // several ttls: only renewal keeps it
      expect(await a.isNodeAlive(a.nodeId)).toBe(true);
    });

    it("uses the given node id", async () => {
      const a = await node({ nodeId: "node1" });
      expect(a.nodeId).toBe("node1");
      expect(await plain.exists(`${prefix}n:node1`)).toBe(1);
      expect(new RedisSessionCluster({ url: redis.url }).nodeId).toMatch(/^[0-9a-z]{10}$/);
    });
  });

  describe("bus", () => {
    it("delivers to other subscribed nodes, never back to the sender", async () => {
      const a = await node();
      const b = await node();
      const atA = inbox();
      const atB = inbox();
      await a.subscribe("s1", atA.listener);
      await b.subscribe("s1", atB.listener);
      const ev: BusMessage = { t: "ev", stream: "st", id: "e1", m: note(1) };
      let got = atB.next();
      a.publish("s1", ev);
      expect(await got).toEqual(ev);
      got = atA.next();
      b.publish("s1", { t: "home" });
      expect(await got).toEqual({ t: "home" });
      // a's own message was published first, so it would have reached a before b's
      expect(atA.received).toEqual([{ t: "home" }]);
      expect(atB.received).toEqual([ev]);
    });

    it("replaces the listener on a second subscribe and stops on unsubscribe", async () => {
      const a = await node();
      const b = await node();
      const first = inbox();
      const second = inbox();
      const other = inbox();
      await b.subscribe("s1", first.listener);
      await b.subscribe("s1", second.listener);
      await b.subscribe("s2", other.listener);
      let got = second.next();
      a.publish("s1", { t: "del" });
      await got;
      b.unsubscribe("s1");
      b.unsubscribe("s1"); // unknown now: no-op
      await b.subscribe("s2", other.listener); // same connection: the UNSUBSCRIBE is confirmed first
      got = other.next();
      a.publish("s1", { t: "end", stream: "st" });
      a.publish("s2", { t: "end", stream: "st" });
      await got;
      expect(first.received).toEqual([]);
      expect(second.received).toEqual([{ t: "del" }]);
      expect(other.received).toEqual([{ t: "end", stream: "st" }]);
    });

    it("ignores and reports malformed payloads", async () => {
      const errors: string[] = [];
      const a = await node();
      const b = await node({ onError: (_error, operation) => errors.push(operation) });
      const atB = inbox();
      await b.subscribe("s1", atB.listener);
      const channel = `${prefix}b:{s1}`;
      await plain.publish(channel, "not json");
      await plain.publish(channel, JSON.stringify({ n: "x", t: "bogus" }));
      await plain.publish(channel, JSON.stringify({ t: "home" })); // no sender
      const got = atB.next();
      a.publish("s1", { t: "oob", m: note(1) });
      expect(await got).toEqual({ t: "oob", m: note(1) });
      expect(atB.received).toHaveLength(1);
      expect(errors).toEqual(["bus", "bus", "bus"]);
    });

    it("reports a throwing listener instead of throwing", async () => {
      const errors: Error[] = [];
      const a = await node();
      const b = await node({ onError: (error) => errors.push(error) });
      const atB = inbox();
      await b.subscribe("s1", () => {
        throw new Error("listener broke");
      });
      await b.subscribe("s2", atB.listener);
      a.publish("s1", { t: "home" });
      const got = atB.next();
      a.publish("s2", { t: "home" });
      await got;
      expect(errors.map((error) => error.message)).toEqual(["listener broke"]);
    });
  });

  describe("start, close and failures", () => {
    it("rejects bad options with a TypeError naming the option", () => {
      const url = "redis://127.0.0.1:1";
      const make = (options: unknown) => () => new RedisSessionCluster(options as RedisSessionClusterOptions);
      expect(make(undefined)).toThrow(new TypeError("RedisSessionCluster options must be an object"));
      expect(make({ url: "http://x" })).toThrow(
        new TypeError('"url" option must be a redis:// or rediss:// URL'),
      );
      expect(make({ url, prefix: "" })).toThrow(new TypeError('"prefix" option must be a non-empty string'));
      expect(make({ url, maxEventsPerStream: 0 })).toThrow(
        new TypeError('"maxEventsPerStream" option must be a positive integer'),
      );
      expect(make({ url, heartbeatMs: 1.5 })).toThrow(
        new TypeError('"heartbeatMs" option must be a positive integer'),
      );
      expect(make({ url, nodeId: "a_b" })).toThrow(
        new TypeError('"nodeId" option must be a non-empty lowercase base36 string'),
      );
      expect(make({ url, onError: "log" })).toThrow(new TypeError('"onError" option must be a function'));
    });

    it("fails to start against an unreachable Redis without showing the password", async () => {
      const port = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, "127.0.0.1", () => {
          const address = server.address();
          server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
        });
      });
      const cluster = new RedisSessionCluster({ url: `redis://user:s3cret@127.0.0.1:${port}/0` });
      const failure = await cluster.start().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      const message = (failure as Error).message;
      expect(message).toContain(`cannot reach Redis at redis://127.0.0.1:${port}/0`);
      expect(message).not.toContain("s3cret");
      await cluster.close();
    });

    it("reports fire-and-forget failures after close instead of throwing; recordCall rejects", async () => {
      const errors: string[] = [];
      const a = await node({ onError: (_error, operation) => errors.push(operation) });
      await a.close();
      a.appendEvent("s1", "st", "e1", note(1), 60_000);
      a.publish("s1", { t: "home" });
      // recordCall is awaited by its caller (a stream is primed only once its call is recorded).
      await expect(a.recordCall("s1", "st", request, 60_000)).rejects.toThrow();
      await sleep(20);
      expect(new Set(errors)).toEqual(new Set(["appendEvent", "publish", "recordCall"]));
    });
  });
});
