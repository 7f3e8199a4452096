/**
 * @module Test support: a tiny in-process MCP server (echo, progress, slow, whoami) and a `ws`
 * client that queues what it receives so tests can await messages in order.
 */
import {
  Catalog,
  type JsonObject,
  McpServer,
  MetaKey,
  MODERN_PROTOCOL_VERSION,
  type RequestContext,
  type ToolEntry,
} from "@mcp-runtime/protocol";
import { WebSocket } from "ws";
import {
  type RunningWebSocketServer,
  type StartWebSocketServerOptions,
  startWebSocketServer,
} from "../src/index.js";

/** What the `slow` tool exposes: when it started, and whether its AbortSignal fired. */
export interface SlowProbe {
  started: Promise<RequestContext>;
  aborted: Promise<string>;
}

function tool(name: string, call: ToolEntry["call"]): ToolEntry {
  return {
    descriptor: { name, description: name, inputSchema: { type: "object" } },
    validateInput: (args) => ({ ok: true, value: args }),
    call,
  };
}

const text = (value: string) => ({ content: [{ type: "text" as const, text: value }] });

export function createTestServer(): { server: McpServer; slow: SlowProbe } {
  let started: (ctx: RequestContext) => void = () => {};
  let aborted: (reason: string) => void = () => {};
  const slow: SlowProbe = {
    started: new Promise((resolve) => {
      started = resolve;
    }),
    aborted: new Promise((resolve) => {
      aborted = resolve;
    }),
  };
  const catalog = new Catalog();
  catalog.addTool(tool("echo", async (args) => text(String(args.text))));
  catalog.addTool(tool("whoami", async (_args, ctx) => text(ctx.identity.subject ?? "anonymous")));
  catalog.addTool(
    tool("progress", async (_args, ctx) => {
      ctx.progress(1, 3, "one");
      await new Promise((resolve) => setTimeout(resolve, 5));
      ctx.progress(2, 3, "two");
      await new Promise((resolve) => setTimeout(resolve, 5));
      ctx.progress(3, 3, "three");
      return text("progress done");
    }),
  );
  catalog.addTool(
    tool("slow", async (_args, ctx) => {
      started(ctx);
      await new Promise<void>((resolve) => {
        ctx.signal.addEventListener("abort", () => {
          aborted(String(ctx.signal.reason));
          resolve();
        });
      });
      return text("aborted");
    }),
  );
  const server = new McpServer({ info: { name: "ws-test", version: "1.0.0" }, catalog });
  return { server, slow };
}

/** Servers started by a test file; `stopAll` in afterEach. */
const running = new Set<RunningWebSocketServer>();

export async function start(
  options: Partial<StartWebSocketServerOptions> = {},
): Promise<RunningWebSocketServer & { server: McpServer; slow: SlowProbe }> {
  const { server, slow } = createTestServer();
  const endpoint = await startWebSocketServer(server, { port: 0, ...options });
  running.add(endpoint);
  return { url: endpoint.url, port: endpoint.port, close: () => endpoint.close(), server, slow };
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((endpoint) => endpoint.close()));
  running.clear();
}

export function modernMeta(extra: JsonObject = {}): JsonObject {
  return {
    [MetaKey.protocolVersion]: MODERN_PROTOCOL_VERSION,
    [MetaKey.clientCapabilities]: {},
    [MetaKey.clientInfo]: { name: "ws-test-client", version: "0.0.1" },
    ...extra,
  };
}

export type Received = Record<string, unknown> & { id?: unknown; method?: string };

/** A `ws` client offering subprotocol `mcp` (unless told otherwise) with a receive queue. */
export class TestClient {
  readonly ws: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly inbox: Received[] = [];
  private waiter: (() => void) | undefined;
  private nextId = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) =>
      ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on("message", (data) => {
      this.inbox.push(JSON.parse(String(data)) as Received);
      this.waiter?.();
    });
  }

  static connect(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<TestClient> {
    const ws = new WebSocket(url, "mcp", options);
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The next message received, in order. */
  async next(timeoutMs = 5000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (Date.now() > deadline) throw new Error("timed out waiting for a message");
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.inbox.shift() as Received;
  }

  /** Sends a request and returns its response, failing on anything else arriving first. */
  async request(method: string, params?: JsonObject): Promise<Received> {
    const id = ++this.nextId;
    this.send({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) });
    const message = await this.next();
    if (message.id !== id) throw new Error(`expected response ${id}, got ${JSON.stringify(message)}`);
    return message;
  }

  async initialize(version = "2025-11-25"): Promise<Received> {
    const response = await this.request("initialize", {
      protocolVersion: version,
      capabilities: {},
      clientInfo: { name: "ws-test-client", version: "0.0.1" },
    });
    this.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    return response;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

/**
 * The HTTP status a handshake ends with: 101 when it opened (the socket is closed again), else the
 * refusal's status and body.
 */
export function handshakeStatus(
  url: string,
  protocols: string | string[] | undefined,
  options: ConstructorParameters<typeof WebSocket>[2] = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    ws.once("open", () => {
      ws.close();
      resolve({ status: 101, body: "" });
    });
    ws.once("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    ws.once("error", reject);
  });
}
