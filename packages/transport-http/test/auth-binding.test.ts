import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningHttpServer, startHttpServer } from "../src/index.js";
import { createFixtureServer } from "./support/fixture-server.js";
import { INITIALIZE, rpc, send, sessionHeaders } from "./support/wire.js";

let running: RunningHttpServer;
let base: URL;

beforeAll(async () => {
  running = await startHttpServer(createFixtureServer().server, {
    port: 0,
    authenticate: (req) => {
      const token = req.headers.authorization?.replace(/^Bearer /, "");
      if (token === "alice" || token === "bob") return { ok: true, subject: token };
      return { ok: false, status: 401, message: "Unauthorized", headers: { "www-authenticate": "Bearer" } };
    },
  });
  base = new URL(running.url);
});

afterAll(async () => {
  await running.close(1000);
});

describe("sessions bound to the authenticated subject", () => {
  it("refuses an unauthenticated request with the authenticator's status", async () => {
    const reply = await send(base, { body: INITIALIZE() });
    expect(reply.status).toBe(401);
    expect(reply.headers["www-authenticate"]).toBe("Bearer");
  });

  it("serves a session only to the subject that opened it (404 for anyone else)", async () => {
    const opened = await send(base, { body: INITIALIZE(), headers: { authorization: "Bearer alice" } });
    const id = String(opened.headers["mcp-session-id"]);
    const mine = await send(base, {
      body: rpc("tools/list"),
      headers: { ...sessionHeaders(id), authorization: "Bearer alice" },
    });
    expect(mine.status).toBe(200);
    const theirs = await send(base, {
      body: rpc("tools/list"),
      headers: { ...sessionHeaders(id), authorization: "Bearer bob" },
    });
    expect(theirs.status).toBe(404);
  });
});
