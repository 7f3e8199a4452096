/**
 * Acceptance (issue 14, points 3 and 4): two runtime nodes sharing Redis enforce one global tool
 * rate (10 rps: at most 10 pass per second across both, the rest get 429 with Retry-After); a
 * daily budget of N calls allows exactly N per subject, survives a restart and lives until the end
 * of the UTC day; an anonymous flood is throttled per IP before authentication; stdio (no status
 * codes) gets the JSON-RPC error. Real Redis, real processes, real sockets.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { modernPost } from "./support/modern-call.js";
import { assertBuilt, CLI_PATH } from "./support/paths.js";
import { caller, POLICY_PLUGIN, tokenAuth } from "./support/policy.js";
import { sample, scrape } from "./support/prometheus.js";
import { startRedis, type TestRedis } from "./support/queue-redis.js";
import { RawStdioServer } from "./support/raw-stdio.js";
import { waitUntil } from "./support/sidecar-run.js";

interface Reply {
  status: number;
  retryAfter: string | null;
  body: {
    result?: { content?: { text?: string }[] };
    error?: { code: number; data?: Record<string, unknown> };
  };
}

/** One 2026-07-28 tools/call over HTTP, with the status and headers kept. */
async function call(
  url: string,
  name: string,
  args: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await modernPost(
    url,
    "tools/call",
    { name, arguments: args },
    { name, headers, tasks: false },
  );
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as Reply["body"],
  };
}

function expectLimited(reply: Reply, limit: "client" | "tool" | "budget"): void {
  expect(reply.status).toBe(429);
  expect(Number(reply.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(reply.body.error?.code).toBe(-32029);
  expect(reply.body.error?.data?.limit).toBe(limit);
  expect(reply.body.error?.data?.retryAfterSeconds).toBe(Number(reply.retryAfter));
}

describe("limits shared across nodes (Redis)", () => {
  let redis: TestRedis;
  let raw: Redis;
  const nodes: HttpRuntime[] = [];
  const alice = caller("alice");
  const bob = caller("bob");
  const config = () => ({
    plugins: [{ path: POLICY_PLUGIN }],
    auth: tokenAuth([alice, bob]),
    limits: {
      backend: "redis",
      perTool: { echo: { rps: 10, burst: 10 }, lookup: { dailyBudget: 5 }, priced: { dailyBudget: 5 } },
    },
    redis: { url: redis.url },
  });

  beforeAll(async () => {
    assertBuilt();
    redis = await startRedis();
    raw = new Redis(redis.url);
    await raw.flushall();
    nodes.push(...(await Promise.all([startHttpRuntime(config()), startHttpRuntime(config())])));
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    raw?.disconnect();
    await redis?.stop();
  });

  it("lets at most 10 calls a second through across both nodes; the rest get 429 with Retry-After", async () => {
    const started = performance.now();
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call((nodes[i % 2] as HttpRuntime).url, "echo", { text: `n${i}` }, alice.headers),
      ),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const passed = replies.filter((r) => r.status === 200);
    // The bucket starts full (10) and refills at 10/s while the burst is in flight.
    expect(passed.length).toBeGreaterThanOrEqual(10);
    expect(passed.length).toBeLessThanOrEqual(10 + Math.ceil(elapsedS * 10));
    expect(elapsedS).toBeLessThan(0.9); // else the bound above would not tell one bucket from two
    for (const reply of replies.filter((r) => r.status !== 200)) expectLimited(reply, "tool");
    for (const reply of passed) expect(reply.body.result?.content?.[0]?.text).toMatch(/^n\d+$/);
    const refusedOn = [0, 1].map((n) => replies.filter((r, i) => i % 2 === n && r.status === 429).length);
    expect(refusedOn[0]).toBeGreaterThan(0);
    expect(refusedOn[1]).toBeGreaterThan(0);
  });

  it("allows exactly N budgeted calls per subject, warns at 80 %, and keeps the count across a restart", async () => {
    const [first, second] = nodes as [HttpRuntime, HttpRuntime];
    for (let i = 1; i <= 5; i++)
      expect(
        (await call(i % 2 ? first.url : second.url, "lookup", { key: `a${i}` }, alice.headers)).status,
      ).toBe(200);
    const over = await call(first.url, "lookup", { key: "a6" }, alice.headers);
    expectLimited(over, "budget");
    // The refusal lasts until the end of the UTC day.
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    const toMidnightS = (midnight.getTime() - Date.now()) / 1000;
    expect(Number(over.retryAfter)).toBeGreaterThan(toMidnightS - 5);
    expect(Number(over.retryAfter)).toBeLessThanOrEqual(Math.ceil(toMidnightS) + 1);
    // Budgets are per subject.
    for (let i = 1; i <= 5; i++)
      expect((await call(second.url, "lookup", { key: `b${i}` }, bob.headers)).status).toBe(200);
    expectLimited(await call(second.url, "lookup", { key: "b6" }, bob.headers), "budget");

    // One warning per subject crossing 80 % (the 4th of 5), on the node that served that call.
    const warnings = await Promise.all(
      nodes.map(async (node) =>
        sample(await scrape(new URL("/metrics", node.url).href), "mcp_budget_warnings_total", {
          tool: "lookup",
        }),
      ),
    );
    expect(warnings.reduce((a, b) => a + b, 0)).toBe(2);

    // The count lives in Redis until the period ends (+ a margin), so a restarted node keeps it.
    const keys = (await raw.keys("*")).filter((k) => k.includes("lookup"));
    const ttls = await Promise.all(keys.map((k) => raw.pttl(k)));
    expect(ttls.length).toBeGreaterThan(0);
    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThan((toMidnightS - 5) * 1000);
      expect(ttl).toBeLessThan((toMidnightS + 3600) * 1000);
    }
    await first.stop();
    nodes[0] = await startHttpRuntime(config());
    expectLimited(
      await call((nodes[0] as HttpRuntime).url, "lookup", { key: "a7" }, alice.headers),
      "budget",
    );
  });

  it("charges the cost the plugin declares", async () => {
    const url = (nodes[1] as HttpRuntime).url;
    // priced costs 2 units: 2 calls use 4 of 5, a third would need 6.
    expect((await call(url, "priced", {}, alice.headers)).status).toBe(200);
    expect((await call(url, "priced", {}, alice.headers)).status).toBe(200);
    expectLimited(await call(url, "priced", {}, alice.headers), "budget");
  });
});

describe("per-client limits", () => {
  let runtime: HttpRuntime | undefined;
  const alice = caller("alice");
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  it("throttles a flood of bad tokens by IP before authentication, and keeps subjects apart", async () => {
    runtime = await startHttpRuntime({
      plugins: [{ path: POLICY_PLUGIN }],
      auth: tokenAuth([alice]),
      limits: { perClient: { rps: 1, burst: 5 } },
    });
    const url = runtime.url;
    const bad = { authorization: "Bearer not-a-token" };
    const flood = [];
    for (let i = 0; i < 12; i++) flood.push(await call(url, "echo", { text: "x" }, bad));
    expect(flood.slice(0, 5).map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    for (const reply of flood.slice(6)) expectLimited(reply, "client");
    // alice is counted under her subject, not the flooded IP.
    const mine = await call(url, "echo", { text: "still here" }, alice.headers);
    expect(mine.status).toBe(200);
    expect(mine.body.result?.content?.[0]?.text).toBe("still here");
    const families = await scrape(new URL("/metrics", url).href);
    expect(sample(families, "mcp_rate_limited_total", { limit: "client", tool: "" })).toBeGreaterThanOrEqual(
      6,
    );
  });

  it("applies changed limits on reload, and refuses a change of limiter backend", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mcp-limits-reload-"));
    const file = join(dir, "config.json");
    const write = (limits: Record<string, unknown>) =>
      writeFile(
        file,
        JSON.stringify({
          plugins: [{ path: POLICY_PLUGIN }],
          limits,
          // Never contacted: the change that needs it is refused.
          redis: { url: "redis://127.0.0.1:1" },
          telemetry: { logLevel: "warn" },
        }),
      );
    const reloads = async (outcome: string) =>
      sample(await scrape(new URL("/metrics", runtime?.url).href), "mcp_config_reloads_total", { outcome });
    await write({});
    runtime = await startHttpRuntime({}, [], { file });
    const url = runtime.url;
    for (let i = 0; i < 5; i++) expect((await call(url, "echo", { text: "free" })).status).toBe(200);

    await write({ perTool: { echo: { rps: 0.2, burst: 1 } } });
    runtime.process.kill("SIGHUP");
    await waitUntil(async () => (await reloads("applied")) === 1, 10_000, "the reload to apply");
    expect((await call(url, "echo", { text: "one" })).status).toBe(200);
    expectLimited(await call(url, "echo", { text: "two" }), "tool");

    await write({ backend: "redis", perTool: { echo: { rps: 0.2, burst: 1 } } });
    runtime.process.kill("SIGHUP");
    await waitUntil(async () => (await reloads("refused")) === 1, 10_000, "the reload to be refused");
    expect(runtime.stderr()).toMatch(/limits\.backend: cannot change while running/);
  });

  it("answers stdio callers (no status codes) with the JSON-RPC error", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mcp-limits-stdio-"));
    const file = join(dir, "config.json");
    await writeFile(
      file,
      JSON.stringify({
        server: { transport: "stdio" },
        plugins: [{ path: POLICY_PLUGIN }],
        limits: { perTool: { echo: { rps: 0.5, burst: 2 } } },
        telemetry: { logLevel: "warn" },
      }),
    );
    const server = new RawStdioServer([CLI_PATH, "serve", "--transport", "stdio", "--config", file]);
    try {
      await server.request({
        id: 0,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      });
      const replies = [];
      for (let id = 1; id <= 3; id++)
        replies.push(
          await server.request({
            id,
            method: "tools/call",
            params: { name: "echo", arguments: { text: "hi" } },
          }),
        );
      expect(replies[0]?.result).toBeDefined();
      expect(replies[1]?.result).toBeDefined();
      expect(replies[2]?.error?.code).toBe(-32029);
      expect(replies[2]?.error?.message).toMatch(/Rate limit exceeded for tool echo: retry after 2 s/);
      expect(replies[2]?.error?.data).toEqual({ limit: "tool", retryAfterSeconds: 2, tool: "echo" });
    } finally {
      await server.endInput();
    }
  });
});
