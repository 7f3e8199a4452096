/**
 * @module Fuzzing the HTTP headers of the MCP endpoint (`MCP-Protocol-Version`, `Mcp-Session-Id`,
 * `Mcp-Method`, `Mcp-Name`, `Last-Event-ID`, `Origin`, `Authorization`) with any printable values,
 * against a real server on port 0: every answer is 2xx/4xx with a JSON body, an SSE stream or no
 * body, never 5xx, never a stack trace or an internal path; the server still serves afterwards.
 */
import { request } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningHttpServer, startHttpServer } from "../src/index.js";
import { createFixtureServer } from "./support/fixture-server.js";
import { MODERN, MODERN_META, rpc, send } from "./support/wire.js";

// Each run is an HTTP round trip: half the runs of the in-process properties.
const FUZZ_RUNS = Math.max(1, Math.round(Number(process.env.FUZZ_RUNS ?? 200) / 2));
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const FUZZ_TIMEOUT_MS = FUZZ_RUNS > 100 ? 1_800_000 : 30_000;
console.info(`fuzz: ${FUZZ_RUNS} runs per property, seed ${FUZZ_SEED} (replay with FUZZ_SEED=${FUZZ_SEED})`);

const LEAK = /\n?\s{4}at |\/work\/|node_modules|[A-Za-z]:\\|\.ts:\d+|\.js:\d+/;
const ALLOWED_ORIGIN = "https://ok.example";

let running: RunningHttpServer;
let base: URL;
let sessionId: string;

beforeAll(async () => {
  running = await startHttpServer(createFixtureServer().server, {
    port: 0,
    maxBodyBytes: 64 * 1024,
    keepAliveMs: 50,
    allowedOrigins: [ALLOWED_ORIGIN],
    authenticate: (req) => {
      const token = req.headers.authorization?.replace(/^Bearer /, "");
      if (token === "alice") return { ok: true, subject: token };
      return { ok: false, status: 401, message: "Unauthorized", headers: { "www-authenticate": "Bearer" } };
    },
  });
  base = new URL(running.url);
  const opened = await send(base, {
    body: rpc("initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "fuzz", version: "0" },
    }),
    headers: { authorization: "Bearer alice" },
  });
  expect(opened.status).toBe(200);
  sessionId = String(opened.headers["mcp-session-id"]);
});

afterAll(async () => {
  await running.close(1000);
});

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** One request; an SSE reply is read for a moment and then closed (a stream stays open by design). */
function exchange(
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, path: base.pathname, method, headers },
      (res) => {
        const contentType = String(res.headers["content-type"] ?? "");
        const chunks: Buffer[] = [];
        const finish = () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, contentType, text: Buffer.concat(chunks).toString("utf8") });
          req.destroy();
        };
        const timer = setTimeout(finish, contentType.includes("event-stream") ? 50 : 5_000);
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", finish);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 60,
});
const HEADERS: Record<string, fc.Arbitrary<string>> = {
  "mcp-protocol-version": fc.oneof(
    fc.constantFrom(MODERN, "2025-11-25", "2025-03-26", "2024-11-05", ""),
    printable,
  ),
  "mcp-session-id": fc.oneof(fc.constant("<session>"), printable),
  "mcp-method": fc.oneof(fc.constantFrom("tools/call", "tools/list", "initialize"), printable),
  "mcp-name": fc.oneof(fc.constantFrom("echo", "slow", ""), printable),
  "last-event-id": fc.oneof(fc.constantFrom("0", "1", "-1", "99999999999999999999"), printable),
  // Weighted towards values that pass the Origin and auth gates, so most runs reach the protocol.
  origin: fc.oneof(
    { weight: 4, arbitrary: fc.constant(ALLOWED_ORIGIN) },
    { weight: 1, arbitrary: fc.constantFrom("null", "http://127.0.0.1", "https://evil.example") },
    { weight: 1, arbitrary: printable },
  ),
  authorization: fc.oneof(
    { weight: 4, arbitrary: fc.constant("Bearer alice") },
    { weight: 1, arbitrary: fc.constantFrom("Bearer bob", "Bearer ", "Basic YTpi") },
    { weight: 1, arbitrary: printable },
  ),
};
const headerSet = fc.record(HEADERS, { requiredKeys: ["authorization"] });
const BODIES = [
  () => JSON.stringify(rpc("tools/call", { name: "echo", arguments: { text: "hi" }, _meta: MODERN_META })),
  () => JSON.stringify(rpc("tools/list")),
  () =>
    JSON.stringify(
      rpc("initialize", {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "f", version: "0" },
      }),
    ),
];

describe("fuzz: MCP endpoint headers", () => {
  it(
    "fuzz: any printable header values get 2xx/4xx, a JSON, SSE or empty body, and no leak",
    async () => {
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("POST", "POST", "GET", "DELETE"),
          headerSet,
          fc.nat({ max: BODIES.length - 1 }),
          async (method, fuzzed, bodyIndex) => {
            const headers: Record<string, string> = { accept: "application/json, text/event-stream" };
            for (const [name, value] of Object.entries(fuzzed)) {
              if (value !== undefined) headers[name] = value === "<session>" ? sessionId : value;
            }
            const body = method === "POST" ? BODIES[bodyIndex]?.() : undefined;
            if (body !== undefined) headers["content-type"] = "application/json";
            const answer = await exchange(method, headers, body);
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            expect(answer.status, answer.text).toBeGreaterThanOrEqual(200);
            expect(answer.status, answer.text).toBeLessThan(500);
            expect(answer.text).not.toMatch(LEAK);
            if (answer.text.length > 0 && !answer.contentType.includes("event-stream")) {
              expect(answer.contentType, answer.text).toContain("json");
              expect(() => JSON.parse(answer.text)).not.toThrow();
            }
          },
        ),
        { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
      );
      console.info(`fuzz: HTTP statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
      // Still serving a well-formed request after all of that.
      const after = await exchange(
        "POST",
        {
          accept: "application/json, text/event-stream",
          "content-type": "application/json",
          authorization: "Bearer alice",
          "mcp-protocol-version": MODERN,
          "mcp-method": "tools/call",
          "mcp-name": "echo",
        },
        JSON.stringify(
          rpc("tools/call", { name: "echo", arguments: { text: "still here" }, _meta: MODERN_META }),
        ),
      );
      expect(after.status).toBe(200);
      expect(after.text).toContain("still here");
    },
    FUZZ_TIMEOUT_MS,
  );
});
