/**
 * Federation of upstreams, in process: the real runtime (catalogue, protocol server, policy,
 * reload) with upstreams made by an in-test `Upstream`. That stand-in exists only to drive the
 * federation logic (namespaces, collisions, routing, progress, logs, cancellation, elicitation in
 * both eras, list changes, session release, reload); the real supervisor with real servers is
 * covered by `upstreams-acceptance.test.ts`.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { loadConfigOrThrow, type UpstreamEntry } from "@mcp-runtime/config";
import {
  type CallToolResult,
  type JsonObject,
  type JsonRpcMessage,
  type JsonRpcResponse,
  MetaKey,
  MODERN_PROTOCOL_VERSION,
  type ServerSession,
  type ToolDescriptor,
} from "@mcp-runtime/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { InProcessExecutor } from "../src/executor/in-process.js";
import { createLogger } from "../src/logger.js";
import { createRuntime, type Runtime } from "../src/runtime.js";
import type { UpstreamDeps } from "../src/upstreams/supervisor.js";
import type {
  CatalogKind,
  Upstream,
  UpstreamCallOptions,
  UpstreamCatalog,
  UpstreamHealth,
  UpstreamSession,
} from "../src/upstreams/types.js";

const PLUGIN_DIR = fileURLToPath(new URL("./fixtures/http-plugin", import.meta.url));

type ToolBehaviour = (args: JsonObject, options: UpstreamCallOptions, key: string) => Promise<CallToolResult>;

interface FakeSpec {
  tools?: (ToolDescriptor & { run?: ToolBehaviour })[];
  resources?: { uri: string; name: string; text?: string; ttlMs?: number }[];
  prompts?: { name: string }[];
  era?: "legacy" | "modern";
  sharing?: "shared" | "perSession";
  failStart?: boolean;
  /** ms before start() settles */
  startDelayMs?: number;
}

const text = (value: string): CallToolResult => ({ content: [{ type: "text", text: value }] });

/** A stand-in upstream: lists what the test says, records calls, and lets the test fire notices. */
class FakeUpstream implements Upstream {
  readonly kind = "stdio" as const;
  readonly sharing: "shared" | "perSession";
  readonly calls: { key: string; name: string; args: JsonObject; options: UpstreamCallOptions }[] = [];
  readonly released: string[] = [];
  closed = false;
  private listing: UpstreamCatalog;
  private readonly behaviours = new Map<string, ToolBehaviour>();
  private readonly catalogListeners: ((c: UpstreamCatalog, k: readonly CatalogKind[]) => void)[] = [];
  private readonly updateListeners: ((uri: string) => void)[] = [];
  private readonly texts = new Map<string, { text: string; ttlMs?: number }>();

  constructor(
    readonly id: string,
    private spec: FakeSpec,
  ) {
    this.sharing = spec.sharing ?? "shared";
    this.listing = this.list(spec);
  }

  private list(spec: FakeSpec): UpstreamCatalog {
    this.spec = spec;
    for (const { run, name } of spec.tools ?? []) if (run) this.behaviours.set(name, run);
    for (const r of spec.resources ?? [])
      this.texts.set(r.uri, {
        text: r.text ?? `text of ${r.uri}`,
        ...(r.ttlMs === undefined ? {} : { ttlMs: r.ttlMs }),
      });
    return {
      server: {
        era: spec.era ?? "legacy",
        protocolVersion: spec.era === "modern" ? MODERN_PROTOCOL_VERSION : "2025-11-25",
        capabilities: {},
        serverInfo: { name: this.id, version: "1" },
        instructions: undefined,
      },
      tools: (spec.tools ?? []).map(({ run: _run, ...descriptor }) => descriptor),
      resources: (spec.resources ?? []).map(({ uri, name }) => ({ uri, name })),
      resourceTemplates: [],
      prompts: spec.prompts ?? [],
    };
  }

  async start(): Promise<UpstreamCatalog> {
    if (this.spec.startDelayMs) await new Promise((resolve) => setTimeout(resolve, this.spec.startDelayMs));
    if (this.spec.failStart) throw new Error(`${this.id} does not start`);
    return this.listing;
  }

  async session(key: string): Promise<UpstreamSession> {
    return {
      callTool: (name, args, options = {}) => {
        this.calls.push({ key, name, args, options });
        const run = this.behaviours.get(name);
        return run
          ? run(args, options, key)
          : Promise.resolve(text(`${this.id}:${name}:${JSON.stringify(args)}`));
      },
      readResource: async (uri) => {
        const found = this.texts.get(uri);
        if (!found) throw new Error(`no ${uri}`);
        const result = { contents: [{ uri, text: found.text }] };
        return found.ttlMs === undefined ? result : { ...result, ttlMs: found.ttlMs, cacheScope: "public" };
      },
      getPrompt: async (name, args) => ({
        messages: [
          { role: "user", content: { type: "text", text: `${this.id}:${name}:${JSON.stringify(args)}` } },
        ],
      }),
    };
  }

  release(key: string): void {
    this.released.push(key);
  }
  catalog(): UpstreamCatalog {
    return this.listing;
  }
  onCatalogChanged(listener: (c: UpstreamCatalog, k: readonly CatalogKind[]) => void): void {
    this.catalogListeners.push(listener);
  }
  onResourceUpdated(listener: (uri: string) => void): void {
    this.updateListeners.push(listener);
  }
  health(): UpstreamHealth {
    return { id: this.id, kind: "stdio", state: this.closed ? "stopped" : "ready", sessions: 1, restarts: 0 };
  }
  async close(): Promise<void> {
    this.closed = true;
  }

  /** The upstream said a list changed and was listed again. */
  change(spec: FakeSpec, kinds: readonly CatalogKind[]): void {
    this.listing = this.list(spec);
    for (const listener of this.catalogListeners) listener(this.listing, kinds);
  }
  updated(uri: string): void {
    for (const listener of this.updateListeners) listener(uri);
  }
}

/** The specs the next runtime's upstreams are made from, by id; the made ones, by id. */
let specs: Record<string, FakeSpec> = {};
const made = new Map<string, FakeUpstream>();
function createFake(entry: UpstreamEntry, _deps: UpstreamDeps): Upstream {
  const fake = new FakeUpstream(entry.id, specs[entry.id] ?? {});
  made.set(entry.id, fake);
  return fake;
}
const fake = (id: string): FakeUpstream => {
  const found = made.get(id);
  if (!found) throw new Error(`no upstream ${id}`);
  return found;
};

let dir: string;
let logText = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcp-federation-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  made.clear();
  specs = {};
  logText = "";
});

async function start(
  config: JsonObject,
  name = "runtime",
  upstreamStartWaitMs?: number,
): Promise<{ runtime: Runtime; file: string }> {
  const file = join(dir, `${name}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(config));
  const { config: loaded } = await loadConfigOrThrow({ file, env: {} });
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logText += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ level: "info", stream });
  runtime = await createRuntime({
    config: loaded,
    baseDir: dir,
    logger,
    executor: new InProcessExecutor(),
    createUpstream: createFake,
    configFile: file,
    ...(upstreamStartWaitMs === undefined ? {} : { upstreamStartWaitMs }),
  });
  return { runtime, file };
}

function logs(rt: Runtime): string {
  rt.logger.flush();
  return logText;
}

/** A downstream connection: legacy (initialized, with a session id) or modern requests. */
function connect(rt: Runtime, id?: string, capabilities: JsonObject = { elicitation: {} }) {
  const sent: JsonRpcMessage[] = [];
  const session: ServerSession = rt.server.createSession(
    { send: (message) => sent.push(message) },
    id === undefined ? {} : { id },
  );
  let next = 0;
  const request = (method: string, params: JsonObject = {}): Promise<JsonRpcResponse | undefined> =>
    session.handleRequest({ jsonrpc: "2.0", id: ++next, method, params });
  const modern = (method: string, params: JsonObject = {}) =>
    request(method, {
      ...params,
      _meta: {
        ...((params._meta as JsonObject | undefined) ?? {}),
        [MetaKey.protocolVersion]: MODERN_PROTOCOL_VERSION,
        [MetaKey.clientCapabilities]: capabilities,
        [MetaKey.clientInfo]: { name: "test", version: "1" },
      },
    });
  const initialize = () =>
    request("initialize", {
      protocolVersion: "2025-11-25",
      capabilities,
      clientInfo: { name: "t", version: "1" },
    });
  return { session, sent, request, modern, initialize };
}

function resultOf(response: JsonRpcResponse | undefined): JsonObject {
  if (response === undefined || !("result" in response))
    throw new Error(`expected a result, got ${JSON.stringify(response)}`);
  return response.result;
}

const upstream = (id: string, extra: JsonObject = {}) => ({ id, command: "unused", ...extra });
const names = (items: unknown) => (items as { name: string }[]).map((item) => item.name).sort();

describe("federation: registration", () => {
  it("lists upstream tools and prompts under their namespace and keeps resource URIs", async () => {
    specs = {
      alpha: {
        tools: [{ name: "echo", inputSchema: { type: "object" }, execution: { taskSupport: "optional" } }],
        resources: [{ uri: "alpha://one", name: "one" }],
        prompts: [{ name: "hello" }],
      },
      beta: { tools: [{ name: "echo", inputSchema: { type: "object" } }] },
    };
    const { runtime: rt } = await start({
      upstreams: [upstream("alpha"), upstream("beta", { namespace: "b_" })],
    });
    const client = connect(rt, "s1");
    await client.initialize();
    const tools = resultOf(await client.request("tools/list")).tools as ToolDescriptor[];
    expect(names(tools)).toEqual(["alpha.echo", "b_echo"]);
    // The runtime calls upstream tools inline: the upstream's task support is not advertised.
    expect(tools.find((t) => t.name === "alpha.echo")?.execution).toBeUndefined();
    expect(resultOf(await client.request("resources/list")).resources).toEqual([
      { uri: "alpha://one", name: "one" },
    ]);
    expect(names(resultOf(await client.request("prompts/list")).prompts)).toEqual(["alpha.hello"]);
    expect(rt.upstreamHealth().map((h) => [h.id, h.state])).toEqual([
      ["alpha", "ready"],
      ["beta", "ready"],
    ]);
  });

  it("refuses an upstream whose names collide with a plugin's, names both owners, and starts anyway", async () => {
    specs = {
      clash: {
        tools: [
          { name: "echo", inputSchema: { type: "object" } },
          { name: "other", inputSchema: { type: "object" } },
        ],
      },
    };
    const { runtime: rt } = await start({
      plugins: [{ path: PLUGIN_DIR }],
      upstreams: [upstream("clash", { namespace: "" })],
    });
    const health = rt.upstreamHealth()[0];
    expect(health?.state).toBe("failed");
    expect(health?.lastError).toBe(
      'tool "echo" of upstream "clash" is already registered by plugin "http-fixture"',
    );
    expect(logs(rt)).toContain('"msg":"upstream refused"');
    // Nothing of the refused upstream is listed; the plugin's echo still answers.
    const client = connect(rt, "s1");
    await client.initialize();
    expect(names(resultOf(await client.request("tools/list")).tools)).toEqual(["count", "echo"]);
    const echoed = resultOf(
      await client.request("tools/call", { name: "echo", arguments: { text: "plugin" } }),
    );
    expect(echoed.content).toEqual([{ type: "text", text: "plugin" }]);
  });

  it("refuses the second of two upstreams that share a name, naming the first", async () => {
    specs = {
      first: { tools: [{ name: "x", inputSchema: { type: "object" } }] },
      second: { tools: [{ name: "x", inputSchema: { type: "object" } }] },
    };
    const { runtime: rt } = await start({
      upstreams: [upstream("first", { namespace: "n." }), upstream("second", { namespace: "n." })],
    });
    expect(rt.upstreamHealth()[1]?.lastError).toBe(
      'tool "n.x" of upstream "second" is already registered by upstream "first"',
    );
    expect(rt.upstreamHealth()[0]?.state).toBe("ready");
  });

  it("registers an upstream that could not start once a retry succeeds", async () => {
    specs = { late: { failStart: true, tools: [{ name: "t", inputSchema: { type: "object" } }] } };
    const { runtime: rt } = await start({
      upstreams: [upstream("late", { restart: { backoffMs: 20, maxBackoffMs: 40 } })],
    });
    expect(rt.catalog.tool("late.t")).toBeUndefined();
    expect(logs(rt)).toContain("upstream cannot start");
    // A failed first start is final for a supervisor: the retry makes a fresh upstream.
    const failed = fake("late");
    (specs.late as FakeSpec).failStart = false;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rt.catalog.tool("late.t")).toBeDefined();
    expect(fake("late")).not.toBe(failed);
    expect(failed.closed).toBe(true);
  });
});

describe("federation: start-up", () => {
  it("serves without an upstream slower than the start-up wait, and adds it (telling clients) once it is up", async () => {
    specs = {
      slow: { startDelayMs: 300, tools: [{ name: "t", inputSchema: { type: "object" } }] },
      quick: { tools: [{ name: "t", inputSchema: { type: "object" } }] },
    };
    const { runtime: rt } = await start({ upstreams: [upstream("slow"), upstream("quick")] }, "slow", 50);
    expect(rt.catalog.tool("quick.t")).toBeDefined();
    expect(rt.catalog.tool("slow.t")).toBeUndefined();
    const client = connect(rt, "s1");
    await client.initialize();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(rt.catalog.tool("slow.t")).toBeDefined();
    expect(client.sent.some((m) => "method" in m && m.method === "notifications/tools/list_changed")).toBe(
      true,
    );
  });
});

describe("federation: routing", () => {
  it("routes a call to its upstream by the caller's key: session id, subject or anonymous", async () => {
    specs = { alpha: { tools: [{ name: "echo", inputSchema: { type: "object" } }], sharing: "perSession" } };
    const { runtime: rt } = await start({ upstreams: [upstream("alpha", { sharing: "perSession" })] });
    const legacy = connect(rt, "session-7");
    await legacy.initialize();
    const called = resultOf(
      await legacy.request("tools/call", {
        name: "alpha.echo",
        arguments: { a: 1 },
        _meta: { secret: "token" },
      }),
    );
    expect(called.content).toEqual([{ type: "text", text: 'alpha:echo:{"a":1}' }]);
    const modern = connect(rt);
    resultOf(await modern.modern("tools/call", { name: "alpha.echo", arguments: {} }));
    expect(fake("alpha").calls.map((c) => [c.key, c.name, c.args])).toEqual([
      ["session-7", "echo", { a: 1 }],
      ["anon", "echo", {}],
    ]);
    // The upstream gets arguments and its own options, never the downstream request's _meta.
    expect(JSON.stringify(fake("alpha").calls[0]?.args)).not.toContain("token");
  });

  it("validates arguments against the upstream's schema (draft-07 included) before calling it", async () => {
    specs = {
      alpha: {
        tools: [
          {
            name: "sum",
            inputSchema: {
              $schema: "http://json-schema.org/draft-07/schema#",
              type: "object",
              properties: { a: { type: "number" } },
              required: ["a"],
            },
          },
        ],
      },
    };
    const { runtime: rt } = await start({ upstreams: [upstream("alpha")] });
    const client = connect(rt);
    const refused = resultOf(await client.modern("tools/call", { name: "alpha.sum", arguments: { a: "x" } }));
    expect(refused.isError).toBe(true);
    expect(fake("alpha").calls).toHaveLength(0);
    resultOf(await client.modern("tools/call", { name: "alpha.sum", arguments: { a: 2 } }));
    expect(fake("alpha").calls).toHaveLength(1);
  });

  it("relays progress and log messages, and cancels the upstream call when the caller cancels", async () => {
    let aborted = false;
    specs = {
      alpha: {
        tools: [
          {
            name: "slow",
            inputSchema: { type: "object" },
            run: (_args, options) =>
              new Promise((resolve, reject) => {
                options.onProgress?.(1, 2, "half");
                options.onLog?.("info", "working", "alpha-logger");
                options.signal?.addEventListener("abort", () => {
                  aborted = true;
                  reject(new Error("cancelled"));
                });
                setTimeout(() => resolve(text("done")), 50);
              }),
          },
        ],
      },
    };
    const { runtime: rt } = await start({ upstreams: [upstream("alpha")] });
    const client = connect(rt, "s1");
    await client.initialize();
    resultOf(
      await client.request("tools/call", {
        name: "alpha.slow",
        arguments: {},
        _meta: { progressToken: "p1" },
      }),
    );
    expect(client.sent).toContainEqual({
      jsonrpc: "2.0",
      method: "notifications/progress",
      params: { progressToken: "p1", progress: 1, total: 2, message: "half" },
    });
    expect(client.sent).toContainEqual({
      jsonrpc: "2.0",
      method: "notifications/message",
      params: { level: "info", logger: "alpha-logger", data: "working" },
    });
    expect(aborted).toBe(false);
    const pending = client.session.handleRequest({
      jsonrpc: "2.0",
      id: "c1",
      method: "tools/call",
      params: { name: "alpha.slow", arguments: {} },
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.session.cancel("c1", "user cancelled");
    expect(await pending).toBeUndefined();
    expect(aborted).toBe(true);
  });

  it("forwards an upstream's elicitation to a legacy client as a real request", async () => {
    specs = {
      alpha: {
        tools: [
          {
            name: "ask",
            inputSchema: { type: "object" },
            run: async (_args, options) => {
              const answer = await options.input?.elicit?.({
                message: "Name?",
                requestedSchema: { type: "object" },
              });
              return text(`answer ${JSON.stringify(answer)}`);
            },
          },
        ],
      },
    };
    const { runtime: rt } = await start({ upstreams: [upstream("alpha")] });
    const client = connect(rt, "s1");
    await client.initialize();
    const pending = client.request("tools/call", { name: "alpha.ask", arguments: {} });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const asked = client.sent.find((m) => "method" in m && m.method === "elicitation/create") as
      | { id: string; params: JsonObject }
      | undefined;
    expect(asked?.params.message).toBe("Name?");
    await client.session.handle({
      jsonrpc: "2.0",
      id: asked?.id ?? "",
      result: { action: "accept", content: { n: "Ada" } },
    });
    expect(resultOf(await pending).content).toEqual([
      { type: "text", text: 'answer {"action":"accept","content":{"n":"Ada"}}' },
    ]);
  });

  it("unwinds a 2026-07-28 call with input_required, cancels the upstream call, and re-issues it on retry", async () => {
    const signals: AbortSignal[] = [];
    specs = {
      alpha: {
        tools: [
          {
            name: "ask",
            inputSchema: { type: "object" },
            run: async (_args, options) => {
              if (options.signal) signals.push(options.signal);
              const answer = await options.input?.elicit?.({
                message: "Name?",
                requestedSchema: { type: "object" },
              });
              return text(`hello ${String((answer?.content as JsonObject | undefined)?.n)}`);
            },
          },
        ],
      },
    };
    const { runtime: rt } = await start({ upstreams: [upstream("alpha")] });
    const client = connect(rt);
    const first = resultOf(await client.modern("tools/call", { name: "alpha.ask", arguments: {} }));
    expect(first.resultType).toBe("input_required");
    const requests = first.inputRequests as Record<string, { method: string; params: JsonObject }>;
    const [key] = Object.keys(requests);
    expect(requests[key ?? ""]).toMatchObject({ method: "elicitation/create", params: { message: "Name?" } });
    expect(signals[0]?.aborted).toBe(true);
    const retried = resultOf(
      await client.modern("tools/call", {
        name: "alpha.ask",
        arguments: {},
        requestState: first.requestState,
        inputResponses: { [key ?? ""]: { action: "accept", content: { n: "Ada" } } },
      }),
    );
    expect(retried.content).toEqual([{ type: "text", text: "hello Ada" }]);
    expect(fake("alpha").calls).toHaveLength(2);
  });

  it("reads resources and gets prompts through the upstream; a modern upstream's hints reach modern callers", async () => {
    specs = {
      alpha: {
        era: "modern",
        resources: [{ uri: "alpha://r", name: "r", text: "content", ttlMs: 1234 }],
        prompts: [{ name: "p" }],
      },
    };
    const { runtime: rt } = await start({ upstreams: [upstream("alpha")] });
    const client = connect(rt);
    const read = resultOf(await client.modern("resources/read", { uri: "alpha://r" }));
    expect(read.contents).toEqual([{ uri: "alpha://r", text: "content" }]);
    expect(read.ttlMs).toBe(1234);
    expect(read.cacheScope).toBe("public");
    const legacy = connect(rt, "s1");
    await legacy.initialize();
    const legacyRead = resultOf(await legacy.request("resources/read", { uri: "alpha://r" }));
    expect(legacyRead.ttlMs).toBeUndefined();
    const prompt = resultOf(await legacy.request("prompts/get", { name: "alpha.p", arguments: { x: "1" } }));
    expect(prompt.messages).toEqual([{ role: "user", content: { type: "text", text: 'alpha:p:{"x":"1"}' } }]);
  });
});

describe("federation: changes and sessions", () => {
  it("applies an upstream's list change (new, gone, colliding) and tells clients; relays resource updates", async () => {
    specs = {
      alpha: {
        tools: [
          { name: "a", inputSchema: { type: "object" } },
          { name: "b", inputSchema: { type: "object" } },
        ],
        resources: [{ uri: "alpha://r", name: "r" }],
      },
    };
    const { runtime: rt } = await start({ plugins: [{ path: PLUGIN_DIR }], upstreams: [upstream("alpha")] });
    const client = connect(rt, "s1");
    await client.initialize();
    await client.request("resources/subscribe", { uri: "alpha://r" });
    fake("alpha").change(
      {
        tools: [
          { name: "a", inputSchema: { type: "object" } },
          { name: "c", inputSchema: { type: "object" } },
        ],
        resources: [
          { uri: "alpha://r", name: "r" },
          { uri: "test://static-text", name: "stolen" },
        ],
      },
      ["tools", "resources"],
    );
    expect(names(resultOf(await client.request("tools/list")).tools)).toEqual([
      "alpha.a",
      "alpha.c",
      "count",
      "echo",
    ]);
    // The plugin keeps its URI; the upstream's colliding entry is left out and logged.
    const read = resultOf(await client.request("resources/read", { uri: "test://static-text" }));
    expect(read.contents).toEqual([expect.objectContaining({ text: "static text over http" })]);
    expect(logs(rt)).toContain(
      'resource \\"test://static-text\\" of upstream \\"alpha\\" is already registered by plugin \\"http-fixture\\"',
    );
    expect(client.sent.some((m) => "method" in m && m.method === "notifications/tools/list_changed")).toBe(
      true,
    );
    fake("alpha").updated("alpha://r");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(client.sent).toContainEqual({
      jsonrpc: "2.0",
      method: "notifications/resources/updated",
      params: { uri: "alpha://r" },
    });
  });

  it("releases a per-session upstream's session when the downstream session closes", async () => {
    specs = { alpha: { tools: [{ name: "a", inputSchema: { type: "object" } }], sharing: "perSession" } };
    const { runtime: rt } = await start({ upstreams: [upstream("alpha", { sharing: "perSession" })] });
    const client = connect(rt, "session-9");
    await client.initialize();
    client.session.close("client went away");
    expect(fake("alpha").released).toEqual(["session-9"]);
  });

  it("applies cache.tools and per-tool limits to upstream tools by their namespaced name", async () => {
    const readOnly = { readOnlyHint: true, idempotentHint: true };
    specs = {
      alpha: {
        tools: [
          { name: "lookup", inputSchema: { type: "object" }, annotations: readOnly },
          { name: "scarce", inputSchema: { type: "object" } },
        ],
      },
    };
    const { runtime: rt } = await start({
      upstreams: [upstream("alpha")],
      cache: { tools: { "alpha.lookup": { ttlSeconds: 60 } } },
      limits: { perTool: { "alpha.scarce": { rps: 0.001, burst: 1 } } },
    });
    const client = connect(rt);
    const first = resultOf(await client.modern("tools/call", { name: "alpha.lookup", arguments: { q: 1 } }));
    const second = resultOf(await client.modern("tools/call", { name: "alpha.lookup", arguments: { q: 1 } }));
    expect(second.content).toEqual(first.content);
    expect(fake("alpha").calls.filter((c) => c.name === "lookup")).toHaveLength(1);

    resultOf(await client.modern("tools/call", { name: "alpha.scarce", arguments: {} }));
    const limited = await client.modern("tools/call", { name: "alpha.scarce", arguments: {} });
    expect(limited && "error" in limited ? limited.error.message : "").toMatch(/rate limit/i);
    expect(fake("alpha").calls.filter((c) => c.name === "scarce")).toHaveLength(1);
  });

  it("counts upstream tools in the audit and metrics as their upstream's", async () => {
    specs = { alpha: { tools: [{ name: "a", inputSchema: { type: "object" } }] } };
    const { runtime: rt } = await start({ upstreams: [upstream("alpha")] });
    const client = connect(rt);
    resultOf(await client.modern("tools/call", { name: "alpha.a", arguments: {} }));
    const exposition = await rt.metrics?.metrics();
    expect(exposition).toMatch(/tool="alpha\.a"/);
  });
});

describe("federation: reload", () => {
  it("adds, replaces and removes upstreams without a restart, and refuses a colliding reload whole", async () => {
    specs = {
      alpha: { tools: [{ name: "a", inputSchema: { type: "object" } }] },
      beta: { tools: [{ name: "b", inputSchema: { type: "object" } }] },
    };
    const { runtime: rt, file } = await start({ upstreams: [upstream("alpha")] });
    const first = fake("alpha");
    const added = await rt.reload({
      file,
      text: JSON.stringify({ upstreams: [upstream("alpha"), upstream("beta")] }),
      source: "file",
    });
    expect(added).toMatchObject({ ok: true });
    expect(rt.catalog.tool("beta.b")).toBeDefined();
    expect(fake("alpha")).toBe(first); // unchanged entry: kept, not restarted

    // beta's tool under alpha's namespace collides with alpha.a: nothing changes.
    specs.beta = { tools: [{ name: "a", inputSchema: { type: "object" } }] };
    const refused = await rt.reload({
      file,
      text: JSON.stringify({ upstreams: [upstream("alpha"), upstream("beta", { namespace: "alpha." })] }),
      source: "file",
    });
    expect(refused.ok).toBe(false);
    expect(refused.reason).toBe(
      'upstreams: tool "alpha.a" of upstream "beta" is already registered by upstream "alpha"',
    );
    expect(rt.catalog.tool("beta.b")).toBeDefined();
    expect(fake("beta").closed).toBe(true); // the one started for the refused reload

    const removed = await rt.reload({
      file,
      text: JSON.stringify({ upstreams: [upstream("alpha")] }),
      source: "file",
    });
    expect(removed).toMatchObject({ ok: true });
    expect(rt.catalog.tool("beta.b")).toBeUndefined();
    expect(rt.upstreamHealth().map((h) => h.id)).toEqual(["alpha"]);
  });

  it("refuses a reload whose upstream cannot start", async () => {
    specs = {
      alpha: { tools: [{ name: "a", inputSchema: { type: "object" } }] },
      broken: { failStart: true },
    };
    const { runtime: rt, file } = await start({ upstreams: [upstream("alpha")] });
    const outcome = await rt.reload({
      file,
      text: JSON.stringify({ upstreams: [upstream("alpha"), upstream("broken")] }),
      source: "file",
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toBe('upstreams: upstream "broken" cannot start: broken does not start');
    expect(rt.upstreamHealth().map((h) => h.id)).toEqual(["alpha"]);
  });
});
