import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MemorySessionStore,
  type RunningHttpServer,
  type SessionRecord,
  startHttpServer,
} from "../src/index.js";
import { createFixtureServer } from "./support/fixture-server.js";
import { openSession } from "./support/wire.js";

let running: RunningHttpServer;
let base: URL;
let fixture: ReturnType<typeof createFixtureServer>;

beforeAll(async () => {
  fixture = createFixtureServer();
  running = await startHttpServer(fixture.server, {
    port: 0,
    sessionIdleTimeoutMs: 1000,
    maxSessions: 10_000,
  });
  base = new URL(running.url);
});

afterAll(async () => {
  await running.close(1000);
});

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapMb(): number {
  gc();
  return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;
}

describe("session eviction", () => {
  it("evicts 5,000 sessions opened and abandoned without DELETE; the store ends empty", async () => {
    const baseline = fixture.server.sessionCount;
    const heapBefore = heapMb();
    const total = 5000;
    let opened = 0;
    const worker = async () => {
      while (opened < total) {
        opened++;
        await openSession(base);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    const heapOpen = heapMb();
    const peak = running.mcp.sessions.size;
    expect(peak).toBeGreaterThan(0);
    const deadline = Date.now() + 10_000;
    while (running.mcp.sessions.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const heapAfter = heapMb();
    console.log(
      `eviction: ${total} sessions opened (peak in store ${peak}); heap before ${heapBefore} MB, with sessions ${heapOpen} MB, after eviction ${heapAfter} MB`,
    );
    expect(running.mcp.sessions.size).toBe(0);
    expect(fixture.server.sessionCount).toBe(baseline);
  }, 60_000);
});

describe("MemorySessionStore", () => {
  function record(id: string): SessionRecord & { closed: string | undefined } {
    return {
      id,
      subject: undefined,
      lastActiveAt: 0,
      busy: 0,
      closed: undefined,
      close(reason) {
        this.closed = reason;
      },
    };
  }

  it("makes room at the cap by evicting the least recently active idle session", () => {
    const store = new MemorySessionStore({ maxSessions: 2, idleTimeoutMs: 60_000 });
    const a = record("a");
    const b = record("b");
    const c = record("c");
    store.add(a);
    store.add(b);
    store.get("a");
    expect(store.add(c)).toBe(true);
    expect(b.closed).toBeDefined();
    expect(store.get("b")).toBeUndefined();
    expect(store.size).toBe(2);
    store.dispose();
  });

  it("refuses a new session when every held one is busy", () => {
    const store = new MemorySessionStore({ maxSessions: 1, idleTimeoutMs: 60_000 });
    const a = record("a");
    a.busy = 1;
    store.add(a);
    expect(store.add(record("b"))).toBe(false);
    store.dispose();
  });

  it("never evicts a busy session for idleness", () => {
    const store = new MemorySessionStore({ idleTimeoutMs: 10 });
    const a = record("a");
    const b = record("b");
    store.add(a);
    store.add(b);
    a.busy = 1;
    expect(store.sweep(Date.now() + 1000)).toBe(1);
    expect(a.closed).toBeUndefined();
    expect(b.closed).toBe("session expired");
    store.dispose();
  });

  it("refuses bad options naming the option", () => {
    expect(() => new MemorySessionStore({ maxSessions: 0 })).toThrow('"maxSessions"');
  });
});
