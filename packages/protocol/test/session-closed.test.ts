import { describe, expect, it } from "vitest";
import { McpServer, type ServerSession } from "../src/index.js";
import { buildCatalog, SERVER_INFO } from "./support.js";

describe("McpServerOptions.onSessionClosed", () => {
  it("is called once per session when it closes, with that session (its id included)", () => {
    const closed: ServerSession[] = [];
    const server = new McpServer({
      info: SERVER_INFO,
      catalog: buildCatalog(),
      onSessionClosed: (session) => closed.push(session),
    });
    const first = server.createSession({ send() {} }, { id: "session-1" });
    const second = server.createSession({ send() {} });
    expect(server.sessionCount).toBe(2);

    first.close("client went away");
    first.close("closed again");
    expect(closed).toEqual([first]);
    expect(closed[0]?.id).toBe("session-1");

    second.close();
    expect(closed).toEqual([first, second]);
    expect(server.sessionCount).toBe(0);
  });

  it("is optional: sessions close the same without it", () => {
    const server = new McpServer({ info: SERVER_INFO, catalog: buildCatalog() });
    const session = server.createSession({ send() {} });
    session.close();
    expect(session.isClosed).toBe(true);
    expect(server.sessionCount).toBe(0);
  });
});
