/** ctx.fetch's body cap against a real local HTTP server: refuse by default, or truncate on request. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSafeFetch, SafeFetchError } from "../src/index.js";

let server: Server;
let origin = "";
const BODY = "0123456789".repeat(100);

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    if (req.url === "/endless") {
      // Writes until the client goes away: only a reader that stops early gets an answer.
      const timer = setInterval(() => res.write("x".repeat(1024)), 5);
      res.on("close", () => clearInterval(timer));
      return;
    }
    res.end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("safe fetch body cap", () => {
  const fetch = () => createSafeFetch({ allow: ["127.0.0.1"] });

  it("rejects a body past maxBytes with ERR_FETCH_TOO_LARGE by default", async () => {
    const error = await fetch()(`${origin}/`, { maxBytes: 999 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafeFetchError);
    expect((error as SafeFetchError).code).toBe("ERR_FETCH_TOO_LARGE");
  });

  it("returns a body of exactly maxBytes whole", async () => {
    expect(await (await fetch()(`${origin}/`, { maxBytes: 1000 })).text()).toBe(BODY);
  });

  it("returns the first maxBytes bytes with truncate: true", async () => {
    const res = await fetch()(`${origin}/`, { maxBytes: 15, truncate: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("012345678901234");
  });

  it("stops reading a body that never ends with truncate: true", async () => {
    const res = await fetch()(`${origin}/endless`, { maxBytes: 4096, truncate: true });
    expect((await res.arrayBuffer()).byteLength).toBe(4096);
  });
});
