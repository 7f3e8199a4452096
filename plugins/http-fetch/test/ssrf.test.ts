/**
 * @module The SSRF guard as fetch_url meets it: without a grant for the host, loopback, link-local
 * (cloud metadata) addresses and redirects to them are refused with a clear error, and no request
 * reaches the target.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInstance, fetchUrl, startServer, type TestServer, textOf } from "./fixture.js";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

const BLOCKED = "resolves to a private, loopback, link-local or reserved address";
const HINT = "(an operator can allow a host by name in this plugin's sandbox.net.allow)";

describe("fetch_url with the grant README asks for (net.allow: ['*'])", () => {
  it("refuses 127.0.0.1: '*' means public hosts only", async () => {
    const instance = await createInstance(["*"]);
    const before = server.hits.length;
    const result = await fetchUrl(instance, { url: `${server.origin}/plain.txt` });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`refused: 127.0.0.1 ${BLOCKED} ${HINT}`);
    expect(server.hits.length).toBe(before);
  });

  it("refuses localhost, which resolves to loopback", async () => {
    const instance = await createInstance(["*"]);
    const result = await fetchUrl(instance, { url: `http://localhost:${server.port}/plain.txt` });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`refused: localhost ${BLOCKED} ${HINT}`);
  });

  it("refuses the cloud metadata address 169.254.169.254", async () => {
    const instance = await createInstance(["*"]);
    const result = await fetchUrl(instance, { url: "http://169.254.169.254/latest/meta-data/" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`refused: 169.254.169.254 ${BLOCKED} ${HINT}`);
  });
});

describe("fetch_url with no grant at all", () => {
  it("refuses every host, naming the allow-list", async () => {
    const instance = await createInstance([]);
    const result = await fetchUrl(instance, { url: `${server.origin}/plain.txt` });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`host 127.0.0.1 is not in this plugin's network allow-list ${HINT}`);
  });
});

describe("redirects are vetted on every hop", () => {
  // The first hop is the granted local server; the Location points somewhere not granted.
  it.each([
    ["/redirect-loopback-v6", "::1"],
    ["/redirect-loopback-127-0-0-2", "127.0.0.2"],
    ["/redirect-metadata", "169.254.169.254"],
  ])("refuses a redirect from %s to %s", async (path, target) => {
    const instance = await createInstance(["127.0.0.1", "*"]);
    const result = await fetchUrl(instance, { url: `${server.origin}${path}` });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`refused: ${target} ${BLOCKED} ${HINT}`);
  });

  it("follows a redirect that stays on the granted host", async () => {
    const instance = await createInstance(["127.0.0.1"]);
    const result = await fetchUrl(instance, { url: `${server.origin}/redirect` });
    expect(result.isError).toBeUndefined();
  });
});
