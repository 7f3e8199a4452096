/**
 * The replay client's Streamable HTTP, against a scripted server on a real socket: JSON and SSE
 * answers (notifications and server requests on the stream are read past), the negotiated version
 * and session id on every later request, DELETE at the end, JSON-RPC errors, HTTP errors, timeouts.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpHttpSession, ReplayTargetError } from "../src/replay/index.js";

interface Seen {
  method: string;
  headers: IncomingHttpHeaders;
  body: { id?: number; method?: string; params?: { name?: string } } | undefined;
}

let server: Server;
let url: string;
const seen: Seen[] = [];

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

/** tools/call by tool name: how the scripted server answers */
function answerCall(res: ServerResponse, id: number, tool: string | undefined) {
  const result = { content: [{ type: "text", text: `${tool} done` }], _meta: { at: Date.now() } };
  switch (tool) {
    case "sse": {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const events = [
        { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: 1, progress: 1 } },
        { jsonrpc: "2.0", id: 99, method: "ping" },
        { jsonrpc: "2.0", id, result },
      ];
      // one event split across writes, with CRLF line ends and a comment line
      const text = events
        .map((event) => `: note\r\nevent: message\r\ndata: ${JSON.stringify(event)}\r\n\r\n`)
        .join("");
      const middle = Math.floor(text.length / 2);
      res.write(text.slice(0, middle));
      setTimeout(() => res.write(text.slice(middle)), 20);
      return; // the stream stays open: the client must stop at its response
    }
    case "rpc-error":
      return json(res, 200, { jsonrpc: "2.0", id, error: { code: -32602, message: "Unknown tool" } });
    case "http-error":
      return json(res, 500, { jsonrpc: "2.0", id: null, error: { code: -32603, message: "boom" } });
    case "slow":
      return setTimeout(() => json(res, 200, { jsonrpc: "2.0", id, result }), 2_000);
    default:
      return json(res, 200, [{ jsonrpc: "2.0", id, result }]);
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const body = raw === "" ? undefined : (JSON.parse(raw) as Seen["body"]);
      seen.push({ method: req.method ?? "", headers: req.headers, body });
      if (req.method === "DELETE") return res.writeHead(200).end();
      if (body?.method === "initialize") {
        if (req.headers.authorization === "Bearer wrong") return json(res, 401, { error: "invalid_token" });
        return json(
          res,
          200,
          {
            jsonrpc: "2.0",
            id: body.id,
            result: { protocolVersion: "2025-06-18", capabilities: {}, serverInfo: {} },
          },
          { "mcp-session-id": "session-1" },
        );
      }
      if (body?.method === "notifications/initialized") return res.writeHead(202).end();
      return answerCall(res, body?.id ?? -1, body?.params?.name);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/mcp`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("McpHttpSession", () => {
  it("initializes, then sends the negotiated version and the session id on every request, and DELETEs at the end", async () => {
    seen.length = 0;
    const session = await McpHttpSession.open({ url, timeoutMs: 5_000, clientVersion: "t", token: "tok" });
    expect(session.protocolVersion).toBe("2025-06-18");
    expect(session.sessionId).toBe("session-1");
    expect(await session.callTool("plain", {})).toMatchObject({ kind: "result" });
    await session.close();
    expect(seen.map((each) => each.body?.method ?? each.method)).toEqual([
      "initialize",
      "notifications/initialized",
      "tools/call",
      "DELETE",
    ]);
    expect(seen[0]?.headers["mcp-session-id"]).toBeUndefined();
    expect(seen[0]?.body).toMatchObject({ params: { protocolVersion: "2025-11-25" } });
    for (const each of seen.slice(1)) {
      expect(each.headers["mcp-session-id"]).toBe("session-1");
      expect(each.headers["mcp-protocol-version"]).toBe("2025-06-18");
    }
    for (const each of seen) expect(each.headers.authorization).toBe("Bearer tok");
    expect(seen[2]?.headers.accept).toBe("application/json, text/event-stream");
  });

  it("takes the response with its id from an SSE stream, reading past notifications and server requests", async () => {
    const session = await McpHttpSession.open({ url, timeoutMs: 5_000, clientVersion: "t" });
    const outcome = await session.callTool("sse", {});
    expect(outcome).toEqual({
      kind: "result",
      result: { content: [{ type: "text", text: "sse done" }], _meta: { at: expect.any(Number) } },
    });
    await session.close();
  });

  it("returns JSON-RPC errors, HTTP errors and timeouts as outcomes, never throwing", async () => {
    const session = await McpHttpSession.open({ url, timeoutMs: 500, clientVersion: "t" });
    expect(await session.callTool("rpc-error", {})).toEqual({
      kind: "rpc-error",
      code: -32602,
      message: "Unknown tool",
    });
    expect(await session.callTool("http-error", {})).toEqual({ kind: "failure", message: "HTTP 500: boom" });
    expect(await session.callTool("slow", {})).toEqual({
      kind: "failure",
      message: "timed out after 500 ms",
    });
    await session.close();
  });

  it("throws ReplayTargetError when initialize is refused", async () => {
    await expect(
      McpHttpSession.open({ url, timeoutMs: 5_000, clientVersion: "t", token: "wrong" }),
    ).rejects.toThrow(ReplayTargetError);
  });
});
