import { describe, expect, it } from "vitest";
import { RequestStateCodec } from "../src/index.js";

const SECRET = "0123456789abcdef0123456789abcdef";

describe("RequestStateCodec", () => {
  const codec = new RequestStateCodec({ secret: SECRET, ttlMs: 1000 });
  const argsHash = RequestStateCodec.hashArguments({ city: "Paris" });
  const responses = { user_name: { action: "accept", content: { name: "Ada" } } };

  it("round-trips target, arguments hash and responses", () => {
    const state = codec.encode("tools/call:weather", argsHash, responses, 10_000);
    expect(state).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(codec.decode(state, "tools/call:weather", argsHash, 10_500)).toEqual({
      target: "tools/call:weather",
      argsHash,
      responses,
      expiresAt: 11_000,
    });
  });

  it("refuses a state after it expired", () => {
    const state = codec.encode("t", argsHash, {}, 10_000);
    expect(codec.decode(state, "t", argsHash, 11_000)).toBeDefined();
    expect(codec.decode(state, "t", argsHash, 11_001)).toBeUndefined();
  });

  it("refuses a state presented for another target or other arguments", () => {
    const state = codec.encode("tools/call:a", argsHash, {});
    expect(codec.decode(state, "tools/call:b", argsHash)).toBeUndefined();
    expect(
      codec.decode(state, "tools/call:a", RequestStateCodec.hashArguments({ city: "Rome" })),
    ).toBeUndefined();
  });

  it("refuses tampered bodies, signatures and shapes", () => {
    const state = codec.encode("t", argsHash, responses);
    const [body = "", signature = ""] = state.split(".");
    const forgedPayload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    forgedPayload.responses = { user_name: { action: "accept", content: { name: "Mallory" } } };
    const forgedBody = Buffer.from(JSON.stringify(forgedPayload)).toString("base64url");
    const flipped = `${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`;
    for (const tampered of [
      `${forgedBody}.${signature}`,
      `${body}.${flipped}`,
      `${body}.`,
      `${body}`,
      `.${signature}`,
      "",
      `${body}.${signature}x`,
    ]) {
      expect(codec.decode(tampered, "t", argsHash)).toBeUndefined();
    }
  });

  it("refuses a state signed with another secret", () => {
    const other = new RequestStateCodec({ secret: "another secret of 32 bytes......" });
    expect(codec.decode(other.encode("t", argsHash, {}), "t", argsHash)).toBeUndefined();
  });

  it("hashes arguments deterministically and treats undefined as null", () => {
    expect(RequestStateCodec.hashArguments({ a: 1 })).toBe(RequestStateCodec.hashArguments({ a: 1 }));
    expect(RequestStateCodec.hashArguments({ a: 1 })).not.toBe(RequestStateCodec.hashArguments({ a: 2 }));
    expect(RequestStateCodec.hashArguments(undefined)).toBe(RequestStateCodec.hashArguments(null));
  });

  it("validates its options", () => {
    expect(() => new RequestStateCodec({ secret: "short" })).toThrow(
      '"secret" option must be at least 16 bytes',
    );
    expect(() => new RequestStateCodec({ ttlMs: 0 })).toThrow('"ttlMs" option must be a positive integer');
    const random = new RequestStateCodec();
    expect(random.decode(random.encode("t", argsHash, {}), "t", argsHash)).toBeDefined();
  });
});
