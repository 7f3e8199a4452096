/**
 * @module Fuzzing the JSON-RPC frame decoder: any text, any bytes, deep nesting, huge numbers and
 * prototype-pollution keys decode to a message or to a spec error (-32700 / -32600 / -32602), never
 * a throw, and never pollute `Object.prototype`.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { type DecodedFrame, decodeFrame } from "../src/index.js";
import { FUZZ_TIMEOUT_MS, fuzzParams } from "./fuzz-options.js";

const DECODE_CODES = new Set([-32700, -32600, -32602]);

/** Checks the shape of a decoded frame against JSON-RPC 2.0 (sections 4, 5 and 6). */
function checkFrame(frame: DecodedFrame, inBatch = false): void {
  if (frame.kind === "invalid") {
    expect(frame.error.jsonrpc).toBe("2.0");
    expect(DECODE_CODES.has(frame.error.error.code)).toBe(true);
    expect(typeof frame.error.error.message).toBe("string");
    const id = frame.error.id;
    expect(id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id))).toBe(
      true,
    );
    return;
  }
  if (frame.kind === "batch") {
    expect(inBatch).toBe(false);
    expect(frame.messages.length).toBeGreaterThan(0);
    for (const inner of frame.messages) checkFrame(inner, true);
    return;
  }
  const message = frame.message as unknown as Record<string, unknown>;
  expect(message.jsonrpc).toBe("2.0");
  if ("method" in message) expect(typeof message.method).toBe("string");
  if ("id" in message && message.id !== null) expect(["string", "number"]).toContain(typeof message.id);
}

function decodes(text: string): void {
  checkFrame(decodeFrame(text));
}

const POLLUTION_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"];
const NUMBER_LITERALS = [
  "1e400",
  "-1e400",
  "-0",
  "0.0",
  "1e-400",
  "12345678901234567890123456789",
  "9007199254740993",
  "-9007199254740993",
  "1.7976931348623157e309",
  "5e-324",
];

/** JSON text of an envelope-like object whose fields are sometimes right, sometimes anything. */
const envelopeText = fc
  .record(
    {
      jsonrpc: fc.oneof(fc.constant('"2.0"'), fc.json()),
      id: fc.oneof(fc.constantFrom(...NUMBER_LITERALS), fc.json(), fc.constant("null")),
      method: fc.oneof(fc.constantFrom('"ping"', '"tools/call"', '"initialize"'), fc.json()),
      params: fc.json(),
      result: fc.json(),
      error: fc.json(),
      [POLLUTION_KEYS[0] as string]: fc.constant('{"polluted":true}'),
      constructor: fc.constant('{"prototype":{"polluted":true}}'),
    },
    { requiredKeys: [] },
  )
  .map((fields) => `{${Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}:${v}`)}}`);

describe("fuzz: JSON-RPC frame decoder", () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
  });

  it(
    "fuzz: arbitrary strings (any code points, lone surrogates) decode or fail with a spec code",
    () => {
      const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
      const text = fc.oneof(
        fc.string({ unit: "binary", maxLength: 200 }),
        fc.array(fc.oneof(fc.string({ maxLength: 5 }), loneSurrogate)).map((parts) => parts.join("")),
        loneSurrogate.map((s) => `{"jsonrpc":"2.0","id":1,"method":"${s}"}`),
        fc.json().map((json) => `${json}${String.fromCharCode(0xdc00)}`),
      );
      fc.assert(fc.property(text, decodes), fuzzParams());
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "fuzz: arbitrary bytes, including invalid UTF-8, decode or fail with a spec code",
    () => {
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        // a valid request with bad bytes spliced in (overlong, lone continuation, truncated sequences)
        fc
          .tuple(
            fc.nat({ max: 40 }),
            fc.constantFrom(
              [0xc0, 0xaf],
              [0x80],
              [0xed, 0xa0, 0x80],
              [0xf4, 0x90, 0x80, 0x80],
              [0xe2, 0x82],
              [0xff],
            ),
          )
          .map(([at, bad]) => {
            const valid = Buffer.from('{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{}}');
            const cut = Math.min(at, valid.length);
            return Buffer.concat([valid.subarray(0, cut), Buffer.from(bad), valid.subarray(cut)]);
          }),
      );
      fc.assert(
        fc.property(bytes, (raw) => {
          decodes(Buffer.from(raw).toString("utf8"));
          decodes(new TextDecoder("utf-8", { fatal: false }).decode(raw));
        }),
        fuzzParams(),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "fuzz: envelope-shaped JSON with wrong types, huge numbers and pollution keys",
    () => {
      fc.assert(fc.property(envelopeText, decodes), fuzzParams());
      fc.assert(
        fc.property(fc.array(envelopeText, { maxLength: 5 }), (items) => decodes(`[${items.join(",")}]`)),
        fuzzParams(0.5),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "fuzz: any JSON value decodes or fails with a spec code",
    () => {
      fc.assert(fc.property(fc.json({ depthSize: "medium" }), decodes), fuzzParams());
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "fuzz: deep nesting up to 10,000 levels in params and as the frame itself",
    () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom("[]", "{}"), (depth, pair) => {
          const open = pair === "[]" ? "[" : '{"a":';
          const close = pair === "[]" ? "]" : "}";
          const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
          decodes(nested);
          decodes(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":${nested}}}`);
        }),
        fuzzParams(0.1),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it("keeps the id of a request whose id is a huge or negative-zero number only when finite", () => {
    expect(decodeFrame('{"jsonrpc":"2.0","id":1e400,"method":"ping"}')).toMatchObject({
      kind: "invalid",
      error: { id: null, error: { code: -32600 } },
    });
    expect(decodeFrame('{"jsonrpc":"2.0","id":-0,"method":"ping"}').kind).toBe("message");
    const polluted = decodeFrame('{"jsonrpc":"2.0","id":1,"method":"ping","__proto__":{"polluted":1}}');
    expect(polluted.kind).toBe("message");
  });
});
