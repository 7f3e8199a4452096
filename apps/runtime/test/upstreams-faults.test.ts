/**
 * @module Acceptance 2 of issue 16, through the real CLI (`serve --transport http --port 0`):
 * SIGKILL on a hosted `@modelcontextprotocol/server-everything` (stdio) in the middle of a call
 * gives that call a clear error, `/readyz` shows the upstream restarting then ready, the next call
 * succeeds and `mcp_upstream_restarts_total` counts it, for the SDK 1.x client and the v2 client
 * (2026-07-28); and 100 SDK 1.x sessions against one per-session upstream never see each other's
 * state, hold at most 100 upstream sessions (+1 control) and release them when they end (DELETE,
 * or the idle timeout for a client that just went away). Sessionless 2026-07-28 callers are keyed
 * by their token's subject.
 *
 * The 100 sessions go to server-everything's own Streamable HTTP mode (one process, one MCP
 * session per runtime session) rather than to 100 stdio processes: an upstream session there
 * costs a `McpServer` object, not a Node process of 60-90 MB RSS (measured here), so the test
 * stays light on a 2-core box while proving the same thing: the runtime's pool keys upstream
 * sessions by downstream session. The 20-key test in upstream-supervisor.test.ts does the same
 * through the supervisor API. */
import { execFileSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2Transport,
} from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { EVERYTHING_JS, type EverythingHttp, startEverythingHttp } from "./fixtures/upstreams/servers.js";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt } from "./support/paths.js";
import { sample, scrape } from "./support/prometheus.js";

assertBuilt();
if (!existsSync(EVERYTHING_JS))
  throw new Error(
    `these tests host @modelcontextprotocol/server-everything, but ${EVERYTHING_JS} is missing: run \`npm ci\` at the repository root (it is a devDependency)`,
  );

type Content = { type: string; text?: string }[];
type Upstream = { id: string; state: string; sessions: number; restarts: number; lastError?: string };

const textOf = (content: unknown): string =>
  (content as Content).map((block) => (block.type === "text" ? (block.text ?? "") : "")).join("");

async function upstreamHealth(runtime: HttpRuntime, id: string): Promise<Upstream> {
  const reply = await fetch(new URL("/readyz", runtime.url));
  const body = (await reply.json()) as { upstreams?: Upstream[] };
  const found = body.upstreams?.find((upstream) => upstream.id === id);
  if (!found) throw new Error(`/readyz lists no upstream "${id}": ${JSON.stringify(body)}`);
  return found;
}

/** Pids whose command line holds `marker` (pgrep exits 1 when there is none). */
function pidsWith(marker: string): number[] {
  try {
    return execFileSync("pgrep", ["-f", "--", marker], { encoding: "utf8" }).trim().split("\n").map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("an upstream process killed mid-call (stdio server-everything behind the runtime)", () => {
  // server-everything ignores arguments after its mode: this one only makes its process findable.
  const marker = `mcp-faults-test-${randomUUID()}`;
  let runtime: HttpRuntime;
  let metricsUrl: string;

  beforeAll(async () => {
    runtime = await startHttpRuntime({
      server: { name: "upstreams-faults" },
      upstreams: [
        {
          id: "everything",
          command: process.execPath,
          args: [EVERYTHING_JS, "stdio", marker],
          // Long enough for /readyz to be seen saying "restarting", short enough for a quick test.
          restart: { backoffMs: 1_000, maxBackoffMs: 2_000 },
        },
      ],
    });
    metricsUrl = new URL("/metrics", runtime.url).href;
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  /**
   * Starts `call` (a long-running tool with progress), SIGKILLs the upstream at its first progress
   * and returns what the call gave, the killed pid, and every upstream state `/readyz` showed from
   * the kill until the upstream was ready again.
   */
  async function killMidCall(
    call: (onProgress: () => void) => Promise<{ content?: unknown; isError?: unknown }>,
  ): Promise<{ result: { content?: unknown; isError?: unknown }; killed: number; states: string[] }> {
    const [pid, ...others] = pidsWith(marker);
    if (pid === undefined || others.length > 0)
      throw new Error(`expected one upstream process with ${marker}, found ${[pid, ...others].join(", ")}`);
    let progressed: () => void = () => {};
    const firstProgress = new Promise<void>((resolve) => {
      progressed = resolve;
    });
    const pending = call(() => progressed());
    await firstProgress;
    process.kill(pid, "SIGKILL");
    const result = await pending;
    // The runtime learns of the exit before it answers the call: from here /readyz must go from
    // restarting (the backoff is 1 s) to ready.
    const states: string[] = [];
    const deadline = Date.now() + 15_000;
    while (states.at(-1) !== "ready" && Date.now() < deadline) {
      const { state } = await upstreamHealth(runtime, "everything");
      if (states.at(-1) !== state) states.push(state);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { result, killed: pid, states };
  }

  function expectClearExit(result: { content?: unknown; isError?: unknown }): void {
    // A tool's failure reaches the client as an isError result (the call itself was valid).
    expect(result.isError).toBe(true);
    const text = textOf(result.content);
    expect(text).toBe(
      'Tool everything.trigger-long-running-operation failed: upstream "everything" exited (code null, signal SIGKILL) during the call',
    );
    expect(text).not.toMatch(/\bat .+:\d+|\.[cm]?[jt]s\b|node_modules|\/work\/|\/tmp\//);
  }

  it("SDK 1.x: the call in flight fails naming the upstream, /readyz shows restarting then ready, the next call succeeds", async () => {
    const client = new Client({ name: "sdk1-faults", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(runtime.url)));
    try {
      const { result, killed, states } = await killMidCall(
        (onProgress) =>
          client.callTool(
            { name: "everything.trigger-long-running-operation", arguments: { duration: 30, steps: 300 } },
            undefined,
            { onprogress: onProgress, timeout: 60_000 },
          ) as Promise<{ content?: unknown; isError?: unknown }>,
      );
      expectClearExit(result);
      expect(states).toEqual(["restarting", "ready"]);
      expect(alive(killed)).toBe(false);

      const next = await client.callTool({
        name: "everything.echo",
        arguments: { message: "after the kill" },
      });
      expect(next.isError).not.toBe(true);
      expect(textOf(next.content)).toBe("Echo: after the kill");
      const [restarted] = pidsWith(marker);
      expect(restarted).toBeDefined();
      expect(restarted).not.toBe(killed);

      expect(await upstreamHealth(runtime, "everything")).toMatchObject({
        state: "ready",
        restarts: 1,
        sessions: 1,
        lastError: "process exited (code null, signal SIGKILL)",
      });
      const metrics = await scrape(metricsUrl);
      expect(sample(metrics, "mcp_upstream_restarts_total", { upstream: "everything" })).toBe(1);
      expect(sample(metrics, "mcp_upstream_up", { upstream: "everything" })).toBe(1);
      expect(runtime.stderr()).toContain('"msg":"upstream down, restarting"');
    } finally {
      await client.close();
    }
  });

  it("v2 client (2026-07-28): the same kill gives the same clear error, and the next call succeeds", async () => {
    const client = new V2Client(
      { name: "sdk2-faults", version: "2.0.0" },
      { versionNegotiation: { mode: "auto" } },
    );
    await client.connect(new V2Transport(new URL(runtime.url)));
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
      const { result, states } = await killMidCall(
        (onProgress) =>
          client.callTool(
            { name: "everything.trigger-long-running-operation", arguments: { duration: 30, steps: 300 } },
            { onprogress: onProgress, timeout: 60_000 },
          ) as Promise<{ content?: unknown; isError?: unknown }>,
      );
      expectClearExit(result);
      expect(states).toEqual(["restarting", "ready"]);
      const next = await client.callTool({
        name: "everything.echo",
        arguments: { message: "modern, after" },
      });
      expect(textOf(next.content)).toBe("Echo: modern, after");
      const metrics = await scrape(metricsUrl);
      expect(sample(metrics, "mcp_upstream_restarts_total", { upstream: "everything" })).toBe(2);
    } finally {
      await client.close();
    }
  });
});

describe("100 downstream sessions against one per-session upstream (server-everything over Streamable HTTP)", () => {
  const SESSIONS = 100;
  let remote: EverythingHttp;
  let runtime: HttpRuntime;
  let metricsUrl: string;

  beforeAll(async () => {
    remote = await startEverythingHttp("streamableHttp");
    runtime = await startHttpRuntime({
      server: { name: "upstreams-isolation" },
      upstreams: [{ id: "stateful", url: remote.url, sharing: "perSession", maxSessions: SESSIONS }],
    });
    metricsUrl = new URL("/metrics", runtime.url).href;
  });

  afterAll(async () => {
    await runtime?.stop();
    await remote?.close();
  });

  const upstreamSessions = async () =>
    sample(await scrape(metricsUrl), "mcp_upstream_sessions", { upstream: "stateful" });

  /**
   * server-everything keeps its simulated-logging switch per MCP session (a set of session ids):
   * a toggle answers "Started ... for session <id>" or "Stopped ... for session <id>".
   */
  async function toggle(client: Client): Promise<{ action: string; session: string }> {
    const answer = await client.callTool({ name: "stateful.toggle-simulated-logging", arguments: {} });
    const found = /^(Started|Stopped) .*? for session ([0-9a-f-]{36})/.exec(textOf(answer.content));
    if (!found?.[1] || !found[2]) throw new Error(`unexpected answer: ${textOf(answer.content)}`);
    return { action: found[1], session: found[2] };
  }

  it("keeps each session's upstream state its own, holds at most 100 (+1 control) upstream sessions, and DELETE releases them", async () => {
    expect(await upstreamSessions()).toBe(1); // the control session that lists the catalogue

    const opened = await Promise.all(
      Array.from({ length: SESSIONS }, async (_, i) => {
        const transport = new StreamableHTTPClientTransport(new URL(runtime.url));
        const client = new Client({ name: `isolation-${i}`, version: "1.0.0" });
        await client.connect(transport);
        return { client, transport };
      }),
    );
    try {
      // Every session's first toggle starts logging: no session's switch was flipped by another.
      const first = await Promise.all(opened.map(({ client }) => toggle(client)));
      expect(first.every((answer) => answer.action === "Started")).toBe(true);
      const upstreamIds = first.map((answer) => answer.session);
      expect(new Set(upstreamIds).size).toBe(SESSIONS);
      expect(await upstreamSessions()).toBe(SESSIONS + 1);

      // Even sessions flip their switch once more; odd ones leave theirs alone. Then everyone
      // reads theirs back: each sees its own history only, on its own upstream session.
      const even = opened.filter((_, i) => i % 2 === 0);
      expect((await Promise.all(even.map(({ client }) => toggle(client)))).map((a) => a.action)).toEqual(
        even.map(() => "Stopped"),
      );
      const last = await Promise.all(opened.map(({ client }) => toggle(client)));
      last.forEach((answer, i) => {
        expect(answer.session).toBe(upstreamIds[i]);
        expect(answer.action).toBe(i % 2 === 0 ? "Started" : "Stopped");
      });
      expect(await upstreamSessions()).toBe(SESSIONS + 1);
      const health = await fetch(new URL("/readyz", runtime.url)).then(
        (reply) => reply.json() as Promise<{ upstreams: Upstream[] }>,
      );
      expect(health.upstreams).toEqual([
        expect.objectContaining({ id: "stateful", state: "ready", sessions: SESSIONS + 1 }),
      ]);

      // A 101st downstream session gets room by closing the least recently used idle upstream
      // session (none is busy): the count never passes the cap.
      const extra = new Client({ name: "isolation-extra", version: "1.0.0" });
      const extraTransport = new StreamableHTTPClientTransport(new URL(runtime.url));
      await extra.connect(extraTransport);
      expect((await toggle(extra)).action).toBe("Started");
      expect(await upstreamSessions()).toBe(SESSIONS + 1);
      await extraTransport.terminateSession();
      await extra.close();
    } finally {
      await Promise.all(
        opened.map(async ({ client, transport }) => {
          await transport.terminateSession();
          await client.close();
        }),
      );
    }
    // DELETE ends each downstream session, and with it the upstream session that served it.
    await vi.waitFor(async () => expect(await upstreamSessions()).toBe(1), {
      timeout: 10_000,
      interval: 100,
    });
  });

  it("keys 2026-07-28 callers (no session) by their token's subject: two subjects, two upstream sessions", async () => {
    const tokens = ["alice", "bob"].map((subject) => ({
      subject,
      token: `faults-${subject}-${randomUUID()}`,
    }));
    const guarded = await startHttpRuntime({
      server: { name: "upstreams-subjects" },
      auth: {
        mode: "tokens",
        tokens: tokens.map(({ subject, token }) => ({
          sha256: createHash("sha256").update(token).digest("hex"),
          subject,
          scopes: ["tools:call"],
        })),
      },
      upstreams: [{ id: "stateful", url: remote.url, sharing: "perSession", maxSessions: 10 }],
    });
    const connect = async (token: string) => {
      const client = new V2Client(
        { name: "subjects-v2", version: "2.0.0" },
        { versionNegotiation: { mode: "auto" } },
      );
      await client.connect(
        new V2Transport(new URL(guarded.url), { authProvider: { token: async () => token } }),
      );
      expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
      return client;
    };
    const modernToggle = async (client: V2Client) => {
      const answer = await client.callTool({ name: "stateful.toggle-simulated-logging", arguments: {} });
      return /^(Started|Stopped) .*? for session ([0-9a-f-]{36})/.exec(textOf(answer.content))?.slice(1, 3);
    };
    try {
      const [alice, bob] = tokens;
      if (!alice || !bob) throw new Error("tokens missing");
      const aliceFirst = await connect(alice.token);
      const started = await modernToggle(aliceFirst);
      expect(started?.[0]).toBe("Started");
      // A second connection with the same token is the same caller: it finds alice's state.
      const aliceAgain = await connect(alice.token);
      expect(await modernToggle(aliceAgain)).toEqual(["Stopped", started?.[1]]);
      const bobClient = await connect(bob.token);
      const bobs = await modernToggle(bobClient);
      expect(bobs?.[0]).toBe("Started");
      expect(bobs?.[1]).not.toBe(started?.[1]);
      await Promise.all([aliceFirst, aliceAgain, bobClient].map((client) => client.close()));
    } finally {
      await guarded.stop();
    }
  });

  it("releases the upstream session of a client that went away without DELETE once its session expires", async () => {
    const brief = await startHttpRuntime({
      server: { name: "upstreams-expiry", sessionIdleTimeoutMs: 1_500 },
      upstreams: [{ id: "stateful", url: remote.url, sharing: "perSession", maxSessions: 10 }],
    });
    const briefMetrics = new URL("/metrics", brief.url).href;
    const sessions = async () =>
      sample(await scrape(briefMetrics), "mcp_upstream_sessions", { upstream: "stateful" });
    try {
      const clients = await Promise.all(
        Array.from({ length: 5 }, async (_, i) => {
          const client = new Client({ name: `vanishing-${i}`, version: "1.0.0" });
          await client.connect(new StreamableHTTPClientTransport(new URL(brief.url)));
          await client.callTool({ name: "stateful.echo", arguments: { message: `hi ${i}` } });
          return client;
        }),
      );
      expect(await sessions()).toBe(6);
      // close() drops the connection and sends no DELETE: only the idle timeout ends the session.
      await Promise.all(clients.map((client) => client.close()));
      await vi.waitFor(async () => expect(await sessions()).toBe(1), { timeout: 10_000, interval: 100 });
    } finally {
      await brief.stop();
    }
  });
});
