/**
 * @module Fuzzing `requestState` blobs: a random, truncated or tampered state is refused, both by
 * the codec and through `tools/call`; only the exact string the server issued is accepted.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Catalog, McpServer, MetaKey, MODERN_PROTOCOL_VERSION, RequestStateCodec } from "../src/index.js";
import { FUZZ_TIMEOUT_MS, fuzzParams, LEAK } from "./fuzz-options.js";

const SECRET = "0123456789abcdef0123456789abcdef";
const TARGET = "tools/call:ask";
const ARGS_HASH = RequestStateCodec.hashArguments({ topic: "x" });
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * One edit of a state string: replace, delete, insert, truncate or append. `at` counts from the
 * end half the time, since fc.nat() favours small numbers and the signature sits at the end.
 */
const position = fc.tuple(fc.nat({ max: 300 }), fc.boolean());
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant("replace" as const),
    at: position,
    char: fc.constantFrom(...`${B64URL}.=!% \n`),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: position }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: position,
    text: fc.string({ minLength: 1, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: position }),
  fc.record({ kind: fc.constant("append" as const), text: fc.string({ minLength: 1, maxLength: 4 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(state: string, m: Mutation): string {
  if (m.kind === "append") return state + m.text;
  const [offset, fromEnd] = m.at;
  const at = fromEnd
    ? Math.max(0, state.length - 1 - (offset % (state.length + 1)))
    : offset % (state.length + 1);
  switch (m.kind) {
    case "replace":
      return state.slice(0, at) + m.char + state.slice(at + 1);
    case "delete":
      return state.slice(0, at) + state.slice(at + 1);
    case "insert":
      return state.slice(0, at) + m.text + state.slice(at);
    case "truncate":
      return state.slice(0, at);
  }
}

describe("fuzz: requestState blobs", () => {
  const codec = new RequestStateCodec({ secret: SECRET });
  const responses = { first: { action: "accept", content: { value: "a" } } };

  it("refuses another spelling of the same signature: padding bits, '=', stray characters (found by fuzzing)", () => {
    const state = codec.encode(TARGET, ARGS_HASH, responses);
    const last = B64URL.indexOf(state.at(-1) ?? "A");
    // The last of 43 base64url characters carries 2 unused bits: flipping one keeps the decoded bytes.
    const samePaddingBytes = `${state.slice(0, -1)}${B64URL[last ^ 1]}`;
    for (const respelled of [
      samePaddingBytes,
      `${state}=`,
      `${state} `,
      `${state.slice(0, -5)}!${state.slice(-5)}`,
    ]) {
      expect(codec.decode(respelled, TARGET, ARGS_HASH)).toBeUndefined();
    }
    expect(codec.decode(state, TARGET, ARGS_HASH)).toBeDefined();
  });

  it(
    "fuzz: random strings are never accepted as a state",
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: "binary" }),
            fc.stringMatching(/^[A-Za-z0-9_-]{0,200}\.[A-Za-z0-9_-]{0,60}$/),
            fc
              .jsonValue()
              .map((v) => `${Buffer.from(JSON.stringify(v)).toString("base64url")}.${"A".repeat(43)}`),
          ),
          (state) => {
            expect(codec.decode(state, TARGET, ARGS_HASH)).toBeUndefined();
          },
        ),
        fuzzParams(),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "fuzz: any edit of an issued state is refused",
    () => {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
          const state = codec.encode(TARGET, ARGS_HASH, responses);
          const tampered = mutations.reduce(mutate, state);
          fc.pre(tampered !== state);
          expect(codec.decode(tampered, TARGET, ARGS_HASH)).toBeUndefined();
        }),
        fuzzParams(),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "fuzz: tools/call with a random or tampered requestState answers -32602, never runs the tool",
    async () => {
      let ran = 0;
      const catalog = new Catalog();
      catalog.addTool({
        descriptor: { name: "ask", inputSchema: { type: "object" } },
        validateInput: (args) => ({ ok: true, value: args }),
        call: async (_args, ctx) => {
          const answer = await ctx.elicit({ message: "first?" }, { key: "first" });
          ran++;
          return { content: [{ type: "text", text: String(answer.content?.value) }] };
        },
      });
      const server = new McpServer({
        info: { name: "fuzz", version: "0" },
        catalog,
        requestStateSecret: SECRET,
      });
      const session = server.createSession({ send: () => {} });
      const meta = {
        [MetaKey.protocolVersion]: MODERN_PROTOCOL_VERSION,
        [MetaKey.clientCapabilities]: { elicitation: {} },
      };
      const first = await session.handle({
        jsonrpc: "2.0",
        id: 0,
        method: "tools/call",
        params: { name: "ask", arguments: { topic: "x" }, _meta: meta },
      });
      const issued = (first as unknown as { result: { requestState: string } }).result.requestState;
      expect(typeof issued).toBe("string");
      let id = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce(mutate, issued)),
            fc.jsonValue(),
          ),
          async (requestState) => {
            fc.pre(requestState !== issued);
            const response = await session.handle({
              jsonrpc: "2.0",
              id: ++id,
              method: "tools/call",
              params: { name: "ask", arguments: { topic: "x" }, _meta: meta, requestState } as never,
            });
            expect(response && "error" in response && response.error.code).toBe(-32602);
            expect(JSON.stringify(response)).not.toMatch(LEAK);
          },
        ),
        fuzzParams(),
      );
      expect(ran).toBe(0);
    },
    FUZZ_TIMEOUT_MS,
  );
});
