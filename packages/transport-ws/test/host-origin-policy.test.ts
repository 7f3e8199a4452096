import { describe, expect, it } from "vitest";
import { createHostOriginCheck } from "../src/host-origin-policy.js";

describe("createHostOriginCheck", () => {
  it("on a loopback bind allows loopback names with the port, and loopback origins on any port", () => {
    const check = createHostOriginCheck({ bindHost: "127.0.0.1", port: 8080 });
    expect(check("localhost:8080", undefined)).toBeNull();
    expect(check("127.0.0.1:8080", "http://127.0.0.1:3000")).toBeNull();
    expect(check("[::1]:8080", "http://[::1]:5173")).toBeNull();
    expect(check("LOCALHOST:8080", "HTTP://LOCALHOST")).toBeNull();
    expect(check("localhost", undefined)).toBe("Host not allowed");
    expect(check(undefined, undefined)).toBe("missing Host header");
    expect(check("attacker.example:8080", undefined)).toBe("Host not allowed");
    expect(check("localhost:8080", "http://localhost.attacker.example")).toBe("Origin not allowed");
    expect(check("localhost:8080", "null")).toBe("Origin not allowed");
  });

  it("on a public bind allows any Host without a list, and only listed origins", () => {
    const check = createHostOriginCheck({
      bindHost: "0.0.0.0",
      port: 8080,
      allowedOrigins: ["https://app.example.com"],
    });
    expect(check("whatever.example", undefined)).toBeNull();
    expect(check("whatever.example", "https://app.example.com")).toBeNull();
    expect(check("whatever.example", "http://localhost:8080")).toBe("Origin not allowed");
  });

  it("matches allowedHosts entries by name (any port) or name:port", () => {
    const check = createHostOriginCheck({ bindHost: "::", allowedHosts: ["a.example", "b.example:9000"] });
    expect(check("a.example:1234", undefined)).toBeNull();
    expect(check("b.example:9000", undefined)).toBeNull();
    expect(check("b.example:9001", undefined)).toBe("Host not allowed");
    expect(check("c.example", undefined)).toBe("Host not allowed");
  });

  it('allows every Origin with "*" and refuses malformed list entries', () => {
    expect(
      createHostOriginCheck({ bindHost: "0.0.0.0", allowedOrigins: ["*"] })("h", "https://x"),
    ).toBeNull();
    expect(() => createHostOriginCheck({ bindHost: "0.0.0.0", allowedOrigins: ["app.example.com"] })).toThrow(
      TypeError,
    );
    expect(() =>
      createHostOriginCheck({ bindHost: "0.0.0.0", allowedOrigins: ["https://app.example.com/path"] }),
    ).toThrow('"allowedOrigins" option entry');
  });
});
