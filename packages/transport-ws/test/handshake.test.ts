import { afterEach, describe, expect, it } from "vitest";
import { handshakeStatus, start, stopAll } from "./support.js";

afterEach(stopAll);

describe("WebSocket handshake", () => {
  it("refuses a client that does not offer subprotocol mcp with 400", async () => {
    const { url } = await start();
    expect(await handshakeStatus(url, undefined)).toEqual({
      status: 400,
      body: 'Sec-WebSocket-Protocol must offer "mcp"\n',
    });
    expect((await handshakeStatus(url, ["graphql-ws"])).status).toBe(400);
    expect((await handshakeStatus(url, ["graphql-ws", "mcp"])).status).toBe(101);
  });

  it("refuses a foreign Origin with 403 and accepts none, a loopback one, or a listed one", async () => {
    const { url } = await start({ allowedOrigins: ["https://app.example.com"] });
    expect(await handshakeStatus(url, "mcp", { origin: "https://evil.example" })).toEqual({
      status: 403,
      body: "Origin not allowed\n",
    });
    expect((await handshakeStatus(url, "mcp", { origin: "null" })).status).toBe(403);
    expect((await handshakeStatus(url, "mcp")).status).toBe(101);
    expect((await handshakeStatus(url, "mcp", { origin: "http://localhost:6274" })).status).toBe(101);
    expect((await handshakeStatus(url, "mcp", { origin: "https://app.example.com" })).status).toBe(101);
  });

  it("refuses a Host that does not name this loopback server with 403", async () => {
    const { url, port } = await start();
    expect(await handshakeStatus(url, "mcp", { headers: { Host: "evil.example" } })).toEqual({
      status: 403,
      body: "Host not allowed\n",
    });
    // The right name on another port is a different origin as far as rebinding goes.
    expect((await handshakeStatus(url, "mcp", { headers: { Host: `localhost:${port + 1}` } })).status).toBe(
      403,
    );
    expect((await handshakeStatus(url, "mcp", { headers: { Host: `localhost:${port}` } })).status).toBe(101);
  });

  it("uses allowedHosts when given", async () => {
    const { url } = await start({ allowedHosts: ["mcp.example.com"] });
    expect((await handshakeStatus(url, "mcp", { headers: { Host: "mcp.example.com:443" } })).status).toBe(
      101,
    );
    expect((await handshakeStatus(url, "mcp")).status).toBe(403);
  });

  it("answers plain HTTP on the endpoint with 426 and elsewhere with 404", async () => {
    const { port } = await start();
    const onPath = await fetch(`http://127.0.0.1:${port}/mcp/ws`);
    expect(onPath.status).toBe(426);
    expect(onPath.headers.get("upgrade")).toBe("websocket");
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    expect((await handshakeStatus(`ws://127.0.0.1:${port}/nope`, "mcp")).status).toBe(404);
  });
});
