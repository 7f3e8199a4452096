import { describe, expect, it } from "vitest";
import { startHttpServer } from "../src/index.js";
import { createFixtureServer } from "./support/fixture-server.js";
import { modern, openSession, openStream, send } from "./support/wire.js";

describe("graceful drain (SIGTERM)", () => {
  it("finishes 50 in-flight slow calls while new requests get 503, then closes streams", async () => {
    const fixture = createFixtureServer();
    const running = await startHttpServer(fixture.server, { port: 0 });
    const base = new URL(running.url);
    const session = await openSession(base);
    const getStream = await openStream(base, {
      method: "GET",
      headers: { "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" },
    });
    const calls = Array.from({ length: 50 }, () => {
      const { body, headers } = modern("tools/call", { name: "slow", arguments: { ms: 400 } });
      return send(base, { body, headers });
    });
    while (fixture.state.slowStarted < 50) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(running.mcp.inFlight).toBe(50);
    const closing = running.close(5000);
    const { body, headers } = modern("tools/call", { name: "echo", arguments: { text: "late" } });
    const late = await send(base, { body, headers });
    expect(late.status).toBe(503);
    expect((await send(base, { method: "GET", path: "/readyz" })).status).toBe(503);
    // The GET stream is ended cleanly at drain start.
    await getStream.ended;
    const replies = await Promise.all(calls);
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.json.result.content[0].text).toBe("slow done");
    }
    await closing;
    expect(fixture.state.slowFinished).toBe(50);
    expect(running.mcp.sessions.size).toBe(0);
  });

  it("cancels calls still running when the grace period ends, answering 503", async () => {
    const fixture = createFixtureServer();
    const running = await startHttpServer(fixture.server, { port: 0 });
    const base = new URL(running.url);
    const { body, headers } = modern("tools/call", { name: "slow", arguments: { ms: 10_000 } });
    const call = send(base, { body, headers });
    while (fixture.state.slowStarted < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = Date.now();
    await running.close(100);
    const reply = await call;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(reply.status).toBe(503);
    expect(fixture.state.slowAborted).toBe(1);
  });
});
