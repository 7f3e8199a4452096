import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningHttpServer, startHttpServer } from "../src/index.js";
import { createFixtureServer } from "./support/fixture-server.js";
import { INITIALIZE, openStream, rpc, send } from "./support/wire.js";

let running: RunningHttpServer;
let base: URL;

beforeAll(async () => {
  running = await startHttpServer(createFixtureServer().server, { port: 0 });
  base = new URL(running.url);
});

afterAll(async () => {
  await running.close(1000);
});

describe("2024-11-05 HTTP+SSE endpoints", () => {
  it("names the POST endpoint on GET /sse and answers POST /messages on the stream", async () => {
    const stream = await openStream(base, { method: "GET", path: "/sse" });
    expect(stream.status).toBe(200);
    expect(stream.raw()).toContain("event: endpoint");
    const endpoint = /data: (\/messages\?sessionId=[0-9a-f-]+)/.exec(stream.raw())?.[1];
    expect(endpoint).toBeDefined();
    const post = (body: unknown) => send(base, { path: endpoint, body });
    expect((await post(INITIALIZE("2024-11-05"))).status).toBe(202);
    // The endpoint event has no JSON data; wait for two message events after it.
    await stream.waitFor(2);
    expect(stream.events[1]?.message.result.protocolVersion).toBe("2024-11-05");
    expect((await post({ jsonrpc: "2.0", method: "notifications/initialized" })).status).toBe(202);
    expect((await post(rpc("tools/call", { name: "echo", arguments: { text: "via sse" } }))).status).toBe(
      202,
    );
    await stream.waitFor(3);
    expect(stream.events[2]?.message.result.content[0].text).toBe("via sse");
    stream.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The session lives as long as its stream.
    expect((await post(rpc("tools/list"))).status).toBe(404);
  });

  it("answers POST /messages for an unknown session with 404", async () => {
    const reply = await send(base, { path: "/messages?sessionId=nope", body: rpc("tools/list") });
    expect(reply.status).toBe(404);
  });
});
