/**
 * Two nodes (two HTTP servers, each with its own McpServer) sharing legacy sessions through a real
 * Redis: any node serves any session, a stream resumes on the other node, a dead node's stream is
 * adopted, and state changes and deletion reach every replica.
 */
import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import {
  Catalog,
  type JsonObject,
  McpServer,
  type RequestContext,
  type ToolEntry,
} from "@mcp-runtime/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningHttpServer, startHttpServer } from "../src/index.js";
import { RedisSessionCluster } from "../src/redis.js";
import { type Gate, gate } from "./support/fixture-server.js";
import { startRedis, type TestRedis } from "./support/redis.js";
import { openSession, openStream, rpc, send, sessionHeaders } from "./support/wire.js";

interface Node {
  running: RunningHttpServer;
  cluster: RedisSessionCluster;
  base: URL;
  /** calls of `hold` that started on this node, with how they were delivered */
  holds: { label: string; redelivered: boolean }[];
  release: Gate;
}

let redis: TestRedis;
const nodes: Node[] = [];

function tool(
  name: string,
  call: (args: JsonObject, ctx: RequestContext) => Promise<string>,
  idempotent = false,
): ToolEntry {
  return {
    descriptor: {
      name,
      description: name,
      inputSchema: { type: "object" },
      ...(idempotent ? { annotations: { idempotentHint: true } } : {}),
    },
    validateInput: (args) => ({ ok: true, value: args }),
    call: async (args, ctx) => ({ content: [{ type: "text", text: await call(args, ctx) }] }),
  };
}

async function startNode(prefix: string): Promise<Node> {
  const holds: Node["holds"] = [];
  const release = gate();
  const catalog = new Catalog();
  catalog.addTool(tool("echo", async (args) => String(args.text ?? "")));
  // Reports progress, then waits for the test to open the gate.
  const hold = async (args: JsonObject, ctx: RequestContext) => {
    const label = String(args.label);
    holds.push({ label, redelivered: ctx.redelivered });
    ctx.progress(1, 2, `${label}-1`);
    await release.wait();
    ctx.progress(2, 2, `${label}-2`);
    return `${label} done`;
  };
  catalog.addTool(tool("hold", hold));
  catalog.addTool(
    tool("ask", async (_args, ctx) => {
      const answer = await ctx.elicit({
        message: "Your name?",
        requestedSchema: { type: "object", properties: { name: { type: "string" } } },
      });
      return `hello ${String(answer.content?.name)}`;
    }),
  );
  catalog.addTool(tool("hold-idempotent", hold, true));
  // Hands its work on like a queued job would: the stream is made resumable (primed) first.
  catalog.addTool(
    tool("durable", async (args, ctx) => {
      await ctx.durable();
      return hold(args, ctx);
    }),
  );
  const server = new McpServer({ info: { name: "cluster-test", version: "0.0.0" }, catalog });
  const cluster = new RedisSessionCluster({ url: redis.url, prefix, heartbeatMs: 200 });
  await cluster.start();
  const running = await startHttpServer(server, { port: 0, cluster, shutdownGraceMs: 500 });
  const node = { running, cluster, base: new URL(running.url), holds, release };
  nodes.push(node);
  return node;
}

beforeAll(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  for (const node of nodes.splice(0)) {
    node.release.open();
    await node.running.close(200);
    await node.cluster.close();
  }
});

afterAll(async () => {
  await redis.stop();
});

const text = (e: { message?: { params?: { message?: string }; result?: { content: { text: string }[] } } }) =>
  e.message?.params?.message ?? e.message?.result?.content[0]?.text;

describe("legacy sessions shared by two nodes", () => {
  it("serves a session initialized on node A from node B, and a DELETE on B ends it on A", async () => {
    const prefix = `t${randomUUID().slice(0, 8)}:`;
    const a = await startNode(prefix);
    const b = await startNode(prefix);
    const id = await openSession(a.base);
    const onB = await send(b.base, { body: rpc("tools/list"), headers: sessionHeaders(id) });
    expect(onB.status).toBe(200);
    expect(onB.json.result.tools.map((t: { name: string }) => t.name)).toContain("echo");
    // A quick inline call never touches the store: a plain JSON answer.
    const call = await send(b.base, {
      body: rpc("tools/call", { name: "echo", arguments: { text: "via B" } }),
      headers: sessionHeaders(id),
    });
    expect(call.json.result.content[0].text).toBe("via B");
    // A session id nobody minted is unknown on every node.
    const unknown = await send(b.base, { body: rpc("tools/list"), headers: sessionHeaders(randomUUID()) });
    expect(unknown.status).toBe(404);
    expect((await send(b.base, { method: "DELETE", headers: sessionHeaders(id) })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await send(a.base, { body: rpc("tools/list"), headers: sessionHeaders(id) })).status).toBe(404);
  });

  it("carries a log level set on one node to the replica on the other", async () => {
    const prefix = `t${randomUUID().slice(0, 8)}:`;
    const a = await startNode(prefix);
    const b = await startNode(prefix);
    const id = await openSession(a.base);
    expect(
      (await send(b.base, { body: rpc("logging/setLevel", { level: "error" }), headers: sessionHeaders(id) }))
        .status,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.running.mcp.sessions.get(id)?.session.logLevel).toBe("error");
  });

  it("resumes a streamed call on the other node with Last-Event-ID", async () => {
    const prefix = `t${randomUUID().slice(0, 8)}:`;
    const a = await startNode(prefix);
    const b = await startNode(prefix);
    const id = await openSession(a.base);
    const stream = await openStream(a.base, {
      body: rpc("tools/call", { name: "hold", arguments: { label: "R" }, _meta: { progressToken: 1 } }),
      headers: sessionHeaders(id),
    });
    const [first] = await stream.waitFor(1);
    expect(text(first ?? {})).toBe("R-1");
    stream.close();
    const resumed = await openStream(b.base, {
      method: "GET",
      headers: { ...sessionHeaders(id), "last-event-id": first?.id ?? "" },
    });
    expect(resumed.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    a.release.open();
    await resumed.ended;
    // Primed again at the client's position, then the rest of the stream.
    expect(resumed.events[0]).toMatchObject({ id: first?.id, data: "" });
    expect(resumed.events.slice(1).map(text)).toEqual(["R-2", "R done"]);
    // Ran once, on A: B only relayed it.
    expect(a.holds).toEqual([{ label: "R", redelivered: false }]);
    expect(b.holds).toEqual([]);
  });

  it("primes a call before durable work, and replays it from there after it finished while the client was away", async () => {
    const prefix = `t${randomUUID().slice(0, 8)}:`;
    const a = await startNode(prefix);
    const b = await startNode(prefix);
    const id = await openSession(a.base);
    const stream = await openStream(a.base, {
      body: rpc("tools/call", { name: "durable", arguments: { label: "F" }, _meta: { progressToken: 1 } }),
      headers: sessionHeaders(id),
    });
    const [priming] = await stream.waitFor(1);
    expect(priming).toMatchObject({ data: "" });
    expect(priming?.id).toMatch(/_p$/);
    stream.close();
    a.release.open();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const resumed = await openStream(b.base, {
      method: "GET",
      headers: { ...sessionHeaders(id), "last-event-id": priming?.id ?? "" },
    });
    await resumed.ended;
    expect(resumed.events.slice(1).map(text)).toEqual(["F-1", "F-2", "F done"]);
  });

  it("adopts the stream of a node that died: an idempotent call runs again, others end with an error", async () => {
    const prefix = `t${randomUUID().slice(0, 8)}:`;
    const a = await startNode(prefix);
    const b = await startNode(prefix);
    const id = await openSession(a.base);
    const calls = await Promise.all(
      ["hold-idempotent", "hold"].map((name) =>
        openStream(a.base, {
          body: rpc("tools/call", { name, arguments: { label: name }, _meta: { progressToken: 1 } }),
          headers: sessionHeaders(id),
        }),
      ),
    );
    const firsts = await Promise.all(calls.map(async (call) => (await call.waitFor(1))[0]?.id ?? ""));
    for (const call of calls) call.close();
    // A "dies": it leaves the cluster (heartbeat gone) and never answers.
    await a.cluster.close();
    const resumed = await Promise.all(
      firsts.map((lastEventId) =>
        openStream(b.base, {
          method: "GET",
          headers: { ...sessionHeaders(id), "last-event-id": lastEventId },
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    b.release.open();
    await Promise.all(resumed.map((r) => r.ended));
    const [idempotent, plain] = resumed;
    expect(idempotent?.events.slice(1).map(text)).toEqual([
      "hold-idempotent-1",
      "hold-idempotent-2",
      "hold-idempotent done",
    ]);
    expect(plain?.events.at(-1)?.message.error.message).toMatch(/not run again/);
    expect(b.holds).toEqual([{ label: "hold-idempotent", redelivered: true }]);
  });

  it("on drain, ends streamed calls so clients resume elsewhere, finishes them, then stops listening", async () => {
    const prefix = `t${randomUUID().slice(0, 8)}:`;
    const a = await startNode(prefix);
    const b = await startNode(prefix);
    const id = await openSession(a.base);
    const stream = await openStream(a.base, {
      body: rpc("tools/call", { name: "hold", arguments: { label: "D" }, _meta: { progressToken: 1 } }),
      headers: sessionHeaders(id),
    });
    const [first] = await stream.waitFor(1);
    const closing = a.running.close(5000);
    // The client's connection ends at once (the call goes on) ...
    await stream.ended;
    expect(stream.events.map(text)).toEqual(["D-1"]);
    // ... and new connections to A are refused, so a balancer picks another node.
    const connecting = new Promise((resolve, reject) => {
      const socket = connect(Number(a.base.port), a.base.hostname, () => {
        socket.destroy();
        resolve("connected");
      });
      socket.on("error", reject);
    });
    await expect(connecting).rejects.toThrow(/ECONNREFUSED/);
    const resumed = await openStream(b.base, {
      method: "GET",
      headers: { ...sessionHeaders(id), "last-event-id": first?.id ?? "" },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    a.release.open();
    await resumed.ended;
    await closing;
    expect(resumed.events.slice(1).map(text)).toEqual(["D-2", "D done"]);
    expect(a.holds.map((h) => h.label)).toEqual(["D"]);
    expect(b.holds).toEqual([]);
  });

  it("takes a client's answer to a server request on the node that did not send it", async () => {
    const prefix = `t${randomUUID().slice(0, 8)}:`;
    const a = await startNode(prefix);
    const b = await startNode(prefix);
    const init = await send(a.base, {
      body: rpc("initialize", {
        protocolVersion: "2025-11-25",
        capabilities: { elicitation: {} },
        clientInfo: { name: "t", version: "1" },
      }),
    });
    const id = String(init.headers["mcp-session-id"]);
    const call = await openStream(a.base, {
      body: rpc("tools/call", { name: "ask", arguments: {} }),
      headers: sessionHeaders(id),
    });
    const [asked] = await call.waitFor(1);
    expect(asked?.message.method).toBe("elicitation/create");
    // The answer reaches B; A, which asked, gets it over the session's bus.
    const answer = await send(b.base, {
      body: { jsonrpc: "2.0", id: asked?.message.id, result: { action: "accept", content: { name: "Ada" } } },
      headers: sessionHeaders(id),
    });
    expect(answer.status).toBe(202);
    await call.ended;
    expect(call.events.at(-1)?.message.result.content[0].text).toBe("hello Ada");
  });

  it("serves a 2024-11-05 session's POSTs on any node; answers travel on the node holding /sse", async () => {
    const prefix = `t${randomUUID().slice(0, 8)}:`;
    const a = await startNode(prefix);
    const b = await startNode(prefix);
    const stream = await openStream(a.base, { method: "GET", path: "/sse" });
    const endpoint = /data: (\/messages\?sessionId=[0-9a-f-]+)/.exec(stream.raw())?.[1];
    expect(endpoint).toBeDefined();
    const post = (base: URL, body: unknown) => send(base, { path: endpoint, body });
    expect(
      (
        await post(
          b.base,
          rpc("initialize", {
            protocolVersion: "2024-11-05",
            capabilities: {},
            clientInfo: { name: "t", version: "1" },
          }),
        )
      ).status,
    ).toBe(202);
    await stream.waitFor(2);
    expect(stream.events[1]?.message.result.protocolVersion).toBe("2024-11-05");
    // Initialized on B: A's replica learns the negotiated version, and either node serves calls.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      (await post(a.base, rpc("tools/call", { name: "echo", arguments: { text: "on A" } }))).status,
    ).toBe(202);
    expect(
      (await post(b.base, rpc("tools/call", { name: "echo", arguments: { text: "on B" } }))).status,
    ).toBe(202);
    await stream.waitFor(4);
    expect(stream.events.slice(2).map(text).sort()).toEqual(["on A", "on B"]);
    stream.close();
    await new Promise((resolve) => setTimeout(resolve, 150));
    // The stream was the session: it is gone on both nodes.
    expect((await post(b.base, rpc("tools/list"))).status).toBe(404);
  });
});
