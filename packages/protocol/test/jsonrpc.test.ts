import { describe, expect, it } from "vitest";
import {
  checkEnvelope,
  decodeFrame,
  ErrorCode,
  encodeMessage,
  failure,
  isNotification,
  isRequest,
  isResponse,
  JsonRpcError,
  type JsonRpcMessage,
  success,
  toFailure,
} from "../src/index.js";

function invalid(text: string) {
  const frame = decodeFrame(text);
  if (frame.kind !== "invalid") throw new Error(`expected invalid, got ${frame.kind}`);
  return frame.error;
}

function message(text: string): JsonRpcMessage {
  const frame = decodeFrame(text);
  if (frame.kind !== "message") throw new Error(`expected message, got ${frame.kind}`);
  return frame.message;
}

describe("decodeFrame", () => {
  it("answers text that is not JSON with -32700 and a null id", () => {
    expect(invalid("{not json")).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32700, message: "Parse error: invalid JSON" },
    });
  });

  it.each(["42", '"text"', "null", "true"])("refuses the non-object %s with -32600", (text) => {
    expect(invalid(text)).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: ErrorCode.InvalidRequest, message: "Invalid Request: expected an object" },
    });
  });

  it("refuses a wrong jsonrpc version, keeping a usable id", () => {
    expect(invalid('{"jsonrpc":"1.0","id":7,"method":"ping"}')).toEqual({
      jsonrpc: "2.0",
      id: 7,
      error: { code: -32600, message: 'Invalid Request: jsonrpc must be "2.0"' },
    });
    expect(invalid('{"id":"a","method":"ping"}').error.code).toBe(-32600);
  });

  it.each([
    ["null", '{"jsonrpc":"2.0","id":null,"method":"ping"}'],
    ["an object", '{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}'],
    ["an array", '{"jsonrpc":"2.0","id":[1],"method":"ping"}'],
    ["a boolean", '{"jsonrpc":"2.0","id":true,"method":"ping"}'],
  ])("refuses an id that is %s with -32600 and a null id", (_what, text) => {
    expect(invalid(text)).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "Invalid Request: id must be a string or a number" },
    });
  });

  it("refuses non-finite numeric ids (NaN, Infinity) handed in already parsed", () => {
    for (const id of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const frame = checkEnvelope({ jsonrpc: "2.0", id, method: "ping" });
      expect(frame).toEqual({
        kind: "invalid",
        error: {
          jsonrpc: "2.0",
          id: null,
          error: { code: -32600, message: "Invalid Request: id must be a string or a number" },
        },
      });
    }
  });

  it("accepts string, integer and fractional numeric ids", () => {
    expect(message('{"jsonrpc":"2.0","id":"abc","method":"ping"}')).toMatchObject({ id: "abc" });
    expect(message('{"jsonrpc":"2.0","id":0,"method":"ping"}')).toMatchObject({ id: 0 });
    expect(message('{"jsonrpc":"2.0","id":1.5,"method":"ping"}')).toMatchObject({ id: 1.5 });
  });

  it("refuses a non-string method", () => {
    expect(invalid('{"jsonrpc":"2.0","id":3,"method":5}').error).toEqual({
      code: -32600,
      message: "Invalid Request: method must be a string",
    });
  });

  it("answers positional (array) params with -32602, keeping the id", () => {
    expect(invalid('{"jsonrpc":"2.0","id":4,"method":"tools/call","params":[1,2]}')).toEqual({
      jsonrpc: "2.0",
      id: 4,
      error: { code: -32602, message: "Invalid params: params must be an object" },
    });
    expect(invalid('{"jsonrpc":"2.0","id":4,"method":"x","params":"s"}').error.code).toBe(-32602);
  });

  it("refuses an empty batch with -32600", () => {
    expect(invalid("[]")).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "Invalid Request: empty batch" },
    });
  });

  it("decodes a batch element by element, invalid ones included", () => {
    const frame = decodeFrame('[{"jsonrpc":"2.0","id":1,"method":"ping"},5,{"jsonrpc":"2.0","method":"n"}]');
    expect(frame.kind).toBe("batch");
    if (frame.kind !== "batch") return;
    expect(frame.messages.map((m) => m.kind)).toEqual(["message", "invalid", "message"]);
  });

  it("recognises requests, notifications and both kinds of responses", () => {
    const request = message('{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}');
    const notification = message('{"jsonrpc":"2.0","method":"notifications/initialized"}');
    const ok = message('{"jsonrpc":"2.0","id":"s1","result":{"action":"accept"}}');
    const error = message('{"jsonrpc":"2.0","id":"s2","error":{"code":-1,"message":"no"}}');
    expect([isRequest(request), isNotification(request), isResponse(request)]).toEqual([true, false, false]);
    expect([isRequest(notification), isNotification(notification), isResponse(notification)]).toEqual([
      false,
      true,
      false,
    ]);
    expect(isResponse(ok)).toBe(true);
    expect(isResponse(error)).toBe(true);
    expect(ok).toEqual({ jsonrpc: "2.0", id: "s1", result: { action: "accept" } });
  });

  it("recognises an error response with a null id instead of answering it", () => {
    const error = message('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
    expect(isResponse(error)).toBe(true);
    expect(error).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
    expect(invalid('{"jsonrpc":"2.0","id":null,"result":{}}').error.code).toBe(-32600);
  });

  it("refuses an object with neither method, result nor error", () => {
    expect(invalid('{"jsonrpc":"2.0","id":9}')).toEqual({
      jsonrpc: "2.0",
      id: 9,
      error: { code: -32600, message: "Invalid Request: no method, result or error" },
    });
    expect(invalid('{"jsonrpc":"2.0","id":9,"error":"text"}').error.code).toBe(-32600);
  });
});

describe("response builders", () => {
  it("builds successes and failures, omitting absent data", () => {
    expect(success(1, { a: 1 })).toEqual({ jsonrpc: "2.0", id: 1, result: { a: 1 } });
    expect(failure("x", -32601, "nope")).toEqual({
      jsonrpc: "2.0",
      id: "x",
      error: { code: -32601, message: "nope" },
    });
    expect("data" in failure(1, -1, "m").error).toBe(false);
    expect(failure(1, -1, "m", { uri: "u" }).error.data).toEqual({ uri: "u" });
  });

  it("converts JsonRpcError faithfully and anything else to -32603 without leaking its message", () => {
    expect(toFailure(2, new JsonRpcError(-32602, "bad", { k: 1 }))).toEqual({
      jsonrpc: "2.0",
      id: 2,
      error: { code: -32602, message: "bad", data: { k: 1 } },
    });
    expect(toFailure(3, new Error("secret path /etc/shadow"))).toEqual({
      jsonrpc: "2.0",
      id: 3,
      error: { code: -32603, message: "Internal error" },
    });
  });

  it("encodes a message as one line of JSON", () => {
    const line = encodeMessage({ jsonrpc: "2.0", method: "m", params: { text: "a\nb" } });
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({ jsonrpc: "2.0", method: "m", params: { text: "a\nb" } });
  });
});
