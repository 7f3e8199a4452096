/**
 * @module Fuzzing every method the server routes, in both eras, with arbitrary params: the answer
 * is a result or a JSON-RPC error with a code in the spec's ranges, the promise settles, and no
 * message carries a stack frame or an internal path.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  Catalog,
  decodeFrame,
  type JsonObject,
  type JsonRpcResponse,
  McpServer,
  MetaKey,
  MODERN_PROTOCOL_VERSION,
} from "../src/index.js";
import { FUZZ_TIMEOUT_MS, fuzzParams, LEAK } from "./fuzz-options.js";

const METHODS = [
  "initialize",
  "ping",
  "tools/list",
  "tools/call",
  "resources/list",
  "resources/read",
  "resources/templates/list",
  "resources/subscribe",
  "resources/unsubscribe",
  "prompts/list",
  "prompts/get",
  "completion/complete",
  "logging/setLevel",
  "tasks/get",
  "tasks/update",
  "tasks/cancel",
  "tasks/result",
  "tasks/list",
  "server/discover",
  "subscriptions/listen",
] as const;

/** One tool, one resource, one template and one prompt, each of which may also fail. */
function fuzzCatalog(): Catalog {
  const catalog = new Catalog({ pageSize: 2 });
  catalog.addTool({
    descriptor: { name: "echo", inputSchema: { type: "object" } },
    validateInput: (args) =>
      typeof args.text === "string"
        ? { ok: true, value: args }
        : { ok: false, message: '"text" must be a string' },
    call: async (args) => {
      if (args.text === "throw") throw new Error(`failed at ${import.meta.url}`);
      return { content: [{ type: "text", text: String(args.text) }] };
    },
  });
  catalog.addResource({
    descriptor: { uri: "fuzz://static/readme", name: "readme", mimeType: "text/plain" },
    read: async (uri) => ({ contents: [{ uri, mimeType: "text/plain", text: "read me" }] }),
  });
  catalog.addResourceTemplate({
    descriptor: { uriTemplate: "fuzz://item/{id}", name: "item" },
    read: async (uri, variables) =>
      variables.id === "missing" ? undefined : { contents: [{ uri, text: "item" }] },
    complete: (_argument, value) => ({ values: ["alpha", "beta"].filter((v) => v.startsWith(value)) }),
  });
  catalog.addPrompt({
    descriptor: { name: "greet", arguments: [{ name: "name", required: true }] },
    get: async (args) => ({
      messages: [{ role: "user", content: { type: "text", text: `Hi ${args.name}` } }],
    }),
    complete: () => ({ values: ["formal"] }),
  });
  return catalog;
}

const KEYS = fc.oneof(
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "name",
    "arguments",
    "uri",
    "cursor",
    "taskId",
    "level",
    "ref",
    "argument",
    "context",
    "notifications",
    "requestState",
    "inputResponses",
    "protocolVersion",
    "capabilities",
    "clientInfo",
    "task",
    "_meta",
  ),
  fc.string({ maxLength: 8 }),
);
/** Values that hit the handlers' branches more often than pure noise would. */
const VALUES = fc.oneof(
  fc.constantFrom(
    "echo",
    "greet",
    "fuzz://static/readme",
    "fuzz://item/missing",
    "fuzz://item/x",
    "ref/prompt",
    "ref/resource",
    "debug",
    "2025-11-25",
    "2025-03-26",
    MODERN_PROTOCOL_VERSION,
    1e308,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom("text", "name", "type", "uri", "__proto__"), fc.jsonValue({ maxDepth: 2 })),
);
const PARAMS = fc.dictionary(KEYS, VALUES, { maxKeys: 6 });
/** Each era's `_meta`: none, a valid modern envelope, or something broken. */
const META = fc.oneof(
  fc.constant(undefined),
  fc.constant({
    [MetaKey.protocolVersion]: MODERN_PROTOCOL_VERSION,
    [MetaKey.clientCapabilities]: {},
  } as JsonObject),
  fc.dictionary(
    fc.constantFrom(
      MetaKey.protocolVersion,
      MetaKey.clientCapabilities,
      MetaKey.logLevel,
      "progressToken",
      "__proto__",
    ),
    VALUES,
  ),
  fc.jsonValue({ maxDepth: 1 }),
);

/** Resolves with the answer, or with "pending" when the server did not answer within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "pending"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"pending">((resolve) => {
    timer = setTimeout(() => resolve("pending"), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Every string of the request (keys and values): the answer may quote them back, e.g. an unknown method. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      out.push(key);
      stringsOf(child, out);
    }
  }
  return out;
}

/** The answer's text without what the client sent, so only the server's own words are checked for leaks. */
function ownText(response: JsonRpcResponse, request: unknown): string {
  let text = JSON.stringify(response);
  const echoes = stringsOf(request)
    .map((s) => JSON.stringify(s).slice(1, -1))
    .filter((s) => s.length > 1)
    .sort((a, b) => b.length - a.length);
  for (const echo of echoes) text = text.replaceAll(echo, "");
  return text;
}

function checkResponse(response: JsonRpcResponse | undefined, method: string, request: unknown): void {
  expect(response).toBeDefined();
  if (response === undefined) return;
  expect(response.jsonrpc).toBe("2.0");
  expect(ownText(response, request)).not.toMatch(LEAK);
  if ("error" in response) {
    const { code, message } = response.error;
    expect(Number.isInteger(code)).toBe(true);
    // JSON-RPC 2.0 reserves -32768..-32000 for protocol and implementation errors; MCP's codes live there.
    expect(code >= -32768 && code <= -32000, `${method}: code ${code}`).toBe(true);
    // Bad input is the client's fault (-32600/-32601/-32602...); only a tool that throws may be internal.
    if (method !== "tools/call") expect(code, `${method}: ${message}`).not.toBe(-32603);
    expect(typeof message).toBe("string");
    expect(message.length).toBeGreaterThan(0);
  } else {
    expect(typeof response.result).toBe("object");
  }
}

function newSession(): ReturnType<McpServer["createSession"]> {
  const server = new McpServer({ info: { name: "fuzz", version: "0.0.0" }, catalog: fuzzCatalog() });
  return server.createSession({ send: () => {} });
}

async function send(
  session: ReturnType<McpServer["createSession"]>,
  id: number,
  method: string,
  params: unknown,
): Promise<void> {
  const request = { jsonrpc: "2.0", id, method, params };
  const frame = decodeFrame(JSON.stringify(request));
  const answer = await within(session.handleFrame(frame), 1_000);
  // A valid listen request opens a stream that stays open: the one legitimate "no answer yet".
  if (answer === "pending") {
    expect(method).toBe("subscriptions/listen");
    return;
  }
  for (const response of Array.isArray(answer) ? answer : [answer]) checkResponse(response, method, request);
}

describe("fuzz: every MCP method, both eras", () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it(
    "fuzz: legacy-era requests after initialize get a result or a spec error",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 20 })),
          PARAMS,
          META,
          async (method, params, meta) => {
            const session = newSession();
            await send(session, 1, "initialize", {
              protocolVersion: "2025-11-25",
              capabilities: {},
              clientInfo: { name: "fuzz", version: "0" },
            });
            await send(session, 2, method, meta === undefined ? params : { ...params, _meta: meta });
          },
        ),
        fuzzParams(),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "fuzz: modern-era requests with a _meta envelope get a result or a spec error",
    async () => {
      const session = newSession();
      let id = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 20 })),
          PARAMS,
          fc.dictionary(
            fc.constantFrom(MetaKey.logLevel, MetaKey.clientInfo, "progressToken", "__proto__"),
            VALUES,
            {
              maxKeys: 2,
            },
          ),
          async (method, params, extraMeta) => {
            const meta = {
              ...extraMeta,
              [MetaKey.protocolVersion]: MODERN_PROTOCOL_VERSION,
              [MetaKey.clientCapabilities]: {},
            };
            await send(session, ++id, method, { ...params, _meta: meta });
          },
        ),
        fuzzParams(),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "fuzz: requests before initialize and with arbitrary params of any type are refused cleanly",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 20 })),
          fc.oneof(PARAMS, fc.dictionary(fc.constant("_meta"), fc.jsonValue())),
          async (method, params) => {
            await send(newSession(), 1, method, params);
          },
        ),
        fuzzParams(),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it("answers a primitive or null params._meta with -32602, not -32603 (found by fuzzing)", async () => {
    for (const meta of [1, "x", null, true, []]) {
      const session = newSession();
      const frame = decodeFrame(
        JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: meta } }),
      );
      expect(await session.handleFrame(frame)).toEqual({
        jsonrpc: "2.0",
        id: 1,
        error: { code: -32602, message: "Invalid params: params._meta must be an object" },
      });
    }
  });
});
