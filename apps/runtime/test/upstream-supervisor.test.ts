import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { formatIssues, type UpstreamEntry, validateConfig } from "@mcp-runtime/config";
import { type CallToolResult, JsonRpcError } from "@mcp-runtime/protocol";
import { Registry } from "@mcp-runtime/telemetry";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, type Logger } from "../src/logger.js";
import { Backoff } from "../src/upstreams/backoff.js";
import { UpstreamError } from "../src/upstreams/errors.js";
import { StderrRelay } from "../src/upstreams/stderr-relay.js";
import { createUpstream, type SupervisedUpstream, type UpstreamDeps } from "../src/upstreams/supervisor.js";
import type { CatalogKind } from "../src/upstreams/types.js";
import {
  EVERYTHING_JS,
  FILESYSTEM_JS,
  startEverythingHttp,
  startExpiringServer,
  startTokenEndpoint,
} from "./fixtures/upstreams/servers.js";

const clientInfo = { name: "mcp-runtime-test", version: "0.0.0" };
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

function later<T extends { close(): Promise<unknown> }>(resource: T): T {
  cleanups.push(() => resource.close());
  return resource;
}

/** An upstream entry with the schema's defaults, exactly as the runtime gets it from its config. */
function configOf(entry: Record<string, unknown>): UpstreamEntry {
  const result = validateConfig({ upstreams: [entry] });
  if (!result.ok) throw new Error(formatIssues(result.issues).join("\n"));
  const upstream = result.config.upstreams[0];
  if (!upstream) throw new Error("no upstream");
  return upstream;
}

function capturedLog(): { logger: Logger; text(): string; records(): Record<string, unknown>[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  const logger = createLogger({ level: "debug", stream });
  return {
    logger,
    text: () => {
      logger.flush();
      return lines.join("\n");
    },
    records: () => {
      logger.flush();
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}

function host(entry: Record<string, unknown>, deps: Partial<UpstreamDeps> = {}): SupervisedUpstream {
  const upstream = createUpstream(configOf(entry), { logger: capturedLog().logger, clientInfo, ...deps });
  return later(upstream);
}

const stdioEverything = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  command: process.execPath,
  args: [EVERYTHING_JS],
  ...extra,
});

function textOf(result: CallToolResult): string {
  return result.content.map((block) => (block.type === "text" ? block.text : "")).join("");
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("upstream supervisor: stdio", () => {
  it("hosts server-everything: lists, calls with progress, logs and sampling, cancels, reads, gets prompts", async () => {
    const log = capturedLog();
    const upstream = host(stdioEverything("everything"), { logger: log.logger });
    const changes: CatalogKind[][] = [];
    upstream.onCatalogChanged((_catalog, kinds) => changes.push([...kinds]));
    const catalog = await upstream.start();
    expect(catalog.server.era).toBe("legacy");
    expect(catalog.tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["echo", "get-sum", "trigger-long-running-operation"]),
    );
    expect(catalog.resources.length).toBeGreaterThan(0);
    expect(catalog.resourceTemplates.length).toBeGreaterThan(0);
    expect(catalog.prompts.map((prompt) => prompt.name)).toContain("simple-prompt");
    expect(upstream.health()).toEqual({
      id: "everything",
      kind: "stdio",
      state: "ready",
      sessions: 1,
      restarts: 0,
    });

    // server-everything registers its client-capability tools after initialize and says so.
    await vi.waitFor(() => expect(changes).toContainEqual(["tools"]));
    expect(upstream.catalog().tools.map((tool) => tool.name)).toContain("trigger-sampling-request");

    const session = await upstream.session("anon");
    expect(await session.callTool("echo", { message: "hi" })).toEqual({
      content: [{ type: "text", text: "Echo: hi" }],
    });

    const progress: [number, number | undefined][] = [];
    const long = await session.callTool(
      "trigger-long-running-operation",
      { duration: 0.4, steps: 4 },
      { onProgress: (value, total) => progress.push([value, total]) },
    );
    expect(textOf(long)).toContain("Long running operation completed");
    expect(progress).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);

    const logs: { level: string; data: unknown }[] = [];
    const onLog = (level: string, data: unknown) => logs.push({ level, data });
    expect(textOf(await session.callTool("toggle-simulated-logging", {}, { onLog }))).toMatch(/^Started/);
    expect(logs).toHaveLength(1);
    expect(String(logs[0]?.data)).toMatch(/level.message/i);
    expect(textOf(await session.callTool("toggle-simulated-logging", {}))).toMatch(/^Stopped/);

    const sampled = await session.callTool(
      "trigger-sampling-request",
      { prompt: "say hi", maxTokens: 20 },
      {
        input: {
          sample: async (params) => {
            expect(JSON.stringify(params.messages)).toContain("say hi");
            return {
              role: "assistant",
              content: { type: "text", text: "hi from the caller" },
              model: "test",
            };
          },
        },
      },
    );
    expect(textOf(sampled)).toContain("hi from the caller");

    const controller = new AbortController();
    const slow = session.callTool(
      "trigger-long-running-operation",
      { duration: 20, steps: 20 },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 200);
    const cancelled = await failure(slow);
    expect(cancelled).toBeInstanceOf(UpstreamError);
    expect((cancelled as UpstreamError).code).toBe("UPSTREAM_CANCELLED");

    const resource = catalog.resources[0];
    if (!resource) throw new Error("no resource");
    const read = await session.readResource(resource.uri);
    expect(read.contents[0]?.uri).toBe(resource.uri);
    const prompt = await session.getPrompt("simple-prompt", {});
    expect(prompt.messages.length).toBeGreaterThan(0);

    const stderr = log.records().filter((record) => record.msg === "upstream stderr");
    expect(stderr.map((record) => record.line)).toContain("Starting default (STDIO) server...");
    expect(stderr.every((record) => record.upstream === "everything")).toBe(true);
  });

  it("restarts a process killed mid-call: that call fails clearly, the next one succeeds", async () => {
    const registry = new Registry();
    const upstream = host(stdioEverything("crashy", { restart: { backoffMs: 100, maxBackoffMs: 1_000 } }), {
      metrics: { registry },
    });
    await upstream.start();
    const session = await upstream.session("anon");
    const [pid] = upstream.pids();
    if (pid === undefined) throw new Error("no pid");

    let started: () => void = () => {};
    const progressed = new Promise<void>((resolve) => {
      started = resolve;
    });
    const call = session.callTool(
      "trigger-long-running-operation",
      { duration: 20, steps: 100 },
      { onProgress: () => started() },
    );
    await progressed;
    process.kill(pid, "SIGKILL");
    const error = await failure(call);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe("UPSTREAM_EXITED");
    expect(error.message).toBe('upstream "crashy" exited (code null, signal SIGKILL) during the call');
    expect(upstream.health().state).toBe("restarting");

    // Issued while the process is down: it waits for the restart.
    const next = await session.callTool("echo", { message: "after" });
    expect(textOf(next)).toBe("Echo: after");
    expect(upstream.health()).toMatchObject({ state: "ready", restarts: 1, sessions: 1 });
    expect(upstream.health().lastError).toMatch(/SIGKILL/);
    expect(upstream.pids()[0]).not.toBe(pid);

    const metrics = await registry.metrics();
    expect(metrics).toContain('mcp_upstream_restarts_total{upstream="crashy"} 1');
    expect(metrics).toContain('mcp_upstream_up{upstream="crashy"} 1');
  });

  it("restarts a process whose memory stays above maxMemoryMb", async () => {
    const log = capturedLog();
    const upstream = host(
      stdioEverything("hungry", { maxMemoryMb: 1, restart: { backoffMs: 50, maxBackoffMs: 100 } }),
      {
        logger: log.logger,
        // Two samples over the limit kill it: 2 s, time enough to start first even on a busy machine.
        memorySampleMs: 1_000,
      },
    );
    await upstream.start();
    await vi.waitFor(() => expect(upstream.health().restarts).toBeGreaterThanOrEqual(1), { timeout: 15_000 });
    const over = log.records().find((record) => record.msg === "upstream over memory limit, restarting");
    expect(over).toMatchObject({ upstream: "hungry" });
    expect(over?.rssMb).toBeGreaterThan(1);
    expect(
      log.records().some((record) => record.msg === "upstream memory" && record.upstream === "hungry"),
    ).toBe(true);
  });

  it("hosts server-filesystem with a temporary root: lists a directory, reads a file", async () => {
    const root = await mkdtemp(join(tmpdir(), "upstream-fs-"));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await writeFile(join(root, "hello.txt"), "hello upstream");
    const upstream = host({ id: "files", command: process.execPath, args: [FILESYSTEM_JS, root] });
    const catalog = await upstream.start();
    expect(catalog.tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["list_directory", "read_text_file"]),
    );
    const session = await upstream.session("anon");
    expect(textOf(await session.callTool("list_directory", { path: root }))).toContain("[FILE] hello.txt");
    expect(textOf(await session.callTool("read_text_file", { path: join(root, "hello.txt") }))).toBe(
      "hello upstream",
    );
  });

  it("caps perSession processes: evicts the least recently used idle one, refuses when all are busy", async () => {
    const upstream = host(stdioEverything("capped", { sharing: "perSession", maxSessions: 2 }));
    await upstream.start();
    const a = await upstream.session("a");
    await a.callTool("echo", { message: "a" });
    const b = await upstream.session("b");
    await b.callTool("echo", { message: "b" });
    expect(upstream.health().sessions).toBe(3); // the catalogue's control session, a and b
    const [, pidA, pidB] = upstream.pids();

    const c = await upstream.session("c");
    expect(upstream.health().sessions).toBe(3);
    expect(upstream.pids()).not.toContain(pidA);
    expect(upstream.pids()).toContain(pidB);

    const controller = new AbortController();
    const busy = [b, c].map((session) =>
      session
        .callTool(
          "trigger-long-running-operation",
          { duration: 10, steps: 10 },
          { signal: controller.signal },
        )
        .catch((error: unknown) => error),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await failure(upstream.session("d"));
    expect(refused).toBeInstanceOf(UpstreamError);
    expect((refused as UpstreamError).code).toBe("UPSTREAM_SESSION_LIMIT");
    expect(refused.message).toBe(
      'upstream "capped" has reached maxSessions (2) and every session is busy; try again later',
    );
    controller.abort();
    await Promise.all(busy);

    upstream.release("b");
    expect(upstream.health().sessions).toBe(2);
  });
});

describe("upstream supervisor: remote", () => {
  it("hosts server-everything over Streamable HTTP, and over legacy SSE through the auto fallback", async () => {
    const http = later(await startEverythingHttp("streamableHttp"));
    const upstream = host({ id: "remote", url: http.url });
    const catalog = await upstream.start();
    expect(catalog.tools.map((tool) => tool.name)).toContain("echo");
    expect(upstream.health()).toMatchObject({ kind: "remote", state: "ready" });
    const session = await upstream.session("anon");
    expect(textOf(await session.callTool("echo", { message: "over http" }))).toBe("Echo: over http");
    const progress: number[] = [];
    await session.callTool(
      "trigger-long-running-operation",
      { duration: 0.3, steps: 3 },
      { onProgress: (value) => progress.push(value) },
    );
    expect(progress).toEqual([1, 2, 3]);
    const prompt = await session.getPrompt("simple-prompt", {});
    expect(prompt.messages.length).toBeGreaterThan(0);

    const sse = later(await startEverythingHttp("sse"));
    const log = capturedLog();
    const legacy = host({ id: "legacy", url: sse.url }, { logger: log.logger });
    await legacy.start();
    const legacySession = await legacy.session("anon");
    expect(textOf(await legacySession.callTool("echo", { message: "over sse" }))).toBe("Echo: over sse");
    expect(
      log
        .records()
        .some((record) => record.msg === "upstream has no Streamable HTTP endpoint, trying legacy SSE"),
    ).toBe(true);
  });

  it("gives 20 downstream sessions 20 upstream sessions that never see each other's state", async () => {
    const http = later(await startEverythingHttp("streamableHttp"));
    const upstream = host({ id: "stateful", url: http.url, sharing: "perSession", maxSessions: 20 });
    await upstream.start();
    const keys = Array.from({ length: 20 }, (_, i) => `downstream-${i}`);
    const sessions = await Promise.all(keys.map((key) => upstream.session(key)));
    expect(upstream.health().sessions).toBe(21);

    // server-everything keeps its simulated-logging switch per MCP session: every first toggle starts it.
    const answers = await Promise.all(
      sessions.map((session) => session.callTool("toggle-simulated-logging", {})),
    );
    expect(answers.every((answer) => textOf(answer).startsWith("Started"))).toBe(true);
    const ids = answers.map((answer) => /session (\S+)/.exec(textOf(answer))?.[1]);
    expect(new Set(ids).size).toBe(20);

    const [first, second] = sessions;
    if (!first || !second) throw new Error("sessions missing");
    await first.callTool("gzip-file-as-resource", { name: "mine.txt", data: "data:text/plain,secret-0" });
    const own = await first.readResource("demo://resource/session/mine.txt");
    const blob = own.contents[0] && "blob" in own.contents[0] ? own.contents[0].blob : "";
    expect(gunzipSync(Buffer.from(blob, "base64")).toString()).toBe("secret-0");
    const other = await failure(second.readResource("demo://resource/session/mine.txt"));
    expect(other).toBeInstanceOf(JsonRpcError);

    upstream.release("downstream-0");
    expect(upstream.health().sessions).toBe(20);
  });

  it("re-initializes a session the remote server forgot, and the caller never notices", async () => {
    const server = later(await startExpiringServer());
    const log = capturedLog();
    const upstream = host(
      { id: "expiring", url: server.url, transport: "streamable" },
      { logger: log.logger },
    );
    await upstream.start();
    const session = await upstream.session("anon");
    const before = textOf(await session.callTool("whoami", {}));
    server.dropSessions();
    const after = textOf(await session.callTool("whoami", {}));
    expect(after).not.toBe(before);
    expect(after).not.toBe("none");
    expect(server.initializations).toBe(2);
    expect(log.records().some((record) => record.msg === "upstream session expired, re-initializing")).toBe(
      true,
    );
    expect(upstream.health()).toMatchObject({ state: "ready", restarts: 0 });
  });

  it("closes a perSession session idle longer than idleTimeoutSeconds", async () => {
    const server = later(await startExpiringServer());
    const upstream = host({ id: "idle", url: server.url, sharing: "perSession", idleTimeoutSeconds: 1 });
    await upstream.start();
    const session = await upstream.session("downstream");
    const first = textOf(await session.callTool("whoami", {}));
    expect(upstream.health().sessions).toBe(2);
    await vi.waitFor(() => expect(upstream.health().sessions).toBe(1), { timeout: 5_000, interval: 100 });
    // The key still works: it gets a new upstream session on its next call.
    expect(textOf(await session.callTool("whoami", {}))).not.toBe(first);
  });

  it("authenticates with client credentials, refreshes after a 401 and never logs the secret", async () => {
    const secret = "s3cret-value-never-logged";
    const tokens = later(await startTokenEndpoint({ id: "runtime", secret }));
    const server = later(await startExpiringServer());
    server.validTokens.add("tok-1");
    const log = capturedLog();
    const oauth = { tokenUrl: tokens.url, clientId: "runtime", clientSecret: secret, scopes: ["mcp:tools"] };
    const upstream = host(
      { id: "secured", url: server.url, headers: { "x-team": "blue" }, oauth },
      { logger: log.logger },
    );
    await upstream.start();
    const session = await upstream.session("anon");
    await session.callTool("whoami", {});
    expect(new Set(server.authorizations)).toEqual(new Set(["Bearer tok-1"]));
    expect(new Set(server.teams)).toEqual(new Set(["blue"]));
    expect(tokens.requests[0]?.get("scope")).toBe("mcp:tools");

    server.validTokens.clear();
    server.validTokens.add("tok-2"); // tok-1 revoked: the next request gets 401
    expect(textOf(await session.callTool("whoami", {}))).not.toBe("none");
    expect(tokens.issued).toEqual(["tok-1", "tok-2"]);
    expect(server.authorizations.at(-1)).toBe("Bearer tok-2");

    const wrong = host(
      { id: "wrong", url: server.url, oauth: { ...oauth, clientSecret: "not-the-secret" } },
      { logger: log.logger },
    );
    const refused = await failure(wrong.start());
    expect(refused.message).toContain(`token request to ${tokens.url} failed: HTTP 401 invalid_client`);
    expect(wrong.health().state).toBe("failed");
    const logged = log.text();
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain("not-the-secret");
    expect(logged).not.toMatch(/tok-\d/);
  });
});

describe("Backoff", () => {
  it("doubles from backoffMs to maxBackoffMs with at most 20 % jitter, and starts over after reset", () => {
    const backoff = new Backoff({ backoffMs: 100, maxBackoffMs: 500 });
    const delays = Array.from({ length: 5 }, () => backoff.next());
    const nominal = [100, 200, 400, 500, 500];
    delays.forEach((delay, i) => {
      expect(delay).toBeLessThanOrEqual(nominal[i] ?? 0);
      expect(delay).toBeGreaterThanOrEqual((nominal[i] ?? 0) * 0.8);
    });
    backoff.reset();
    expect(backoff.next()).toBeLessThanOrEqual(100);
  });
});

describe("StderrRelay", () => {
  it("cuts long lines, drops what exceeds the burst and reports how many it dropped", () => {
    const log = capturedLog();
    const relay = new StderrRelay({
      upstream: "chatty",
      logger: log.logger,
      maxLineChars: 100,
      burst: 10,
      linesPerSecond: 0.001,
    });
    relay.push(Buffer.from(`${"x".repeat(250)}\n`));
    relay.push(Buffer.from("line\n".repeat(500)));
    relay.push(Buffer.from("no newline at the end"));
    relay.end();
    const records = log.records();
    const lines = records.filter((record) => record.msg === "upstream stderr");
    expect(lines).toHaveLength(10);
    expect(lines[0]?.line).toBe(`${"x".repeat(100)}… (truncated)`);
    expect(records.at(-1)).toMatchObject({
      msg: "upstream stderr lines dropped",
      upstream: "chatty",
      dropped: 492,
    });
  });
});
