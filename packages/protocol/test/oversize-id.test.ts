import { describe, expect, it } from "vitest";
import { oversizeMessageId } from "../src/index.js";

const pad = "x".repeat(600);

describe("oversizeMessageId", () => {
  it("finds a top-level id near the start", () => {
    expect(oversizeMessageId(`{"jsonrpc":"2.0","id":"a-1","method":"m","params":{"t":"${pad}`, "")).toBe(
      "a-1",
    );
    expect(oversizeMessageId(`{"jsonrpc":"2.0","method":"m","id":42,"params":{"t":"${pad}`, "")).toBe(42);
  });

  it("finds an id that ends the message (the SDKs' key order)", () => {
    expect(
      oversizeMessageId(`{"method":"m","params":{"t":"${pad}`, `${pad}"}},"jsonrpc":"2.0","id":7}`),
    ).toBe(7);
  });

  it("skips an id nested in params and answers null when no top-level id is in reach", () => {
    const head = `{"jsonrpc":"2.0","method":"m","params":{"id":5,"t":"${pad}`;
    expect(oversizeMessageId(head, `${pad}"},"id":9,"x":1}`)).toBeNull();
    expect(oversizeMessageId(`["${pad}`, `${pad}","id":1}`)).toBeNull();
    expect(oversizeMessageId(`{"id":{"a":1}}`, "")).toBeNull();
  });
});
