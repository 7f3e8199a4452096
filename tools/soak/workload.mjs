/**
 * @module The soak's mixed workload: one async loop per kind of traffic, each running until the
 * deadline and counting every outcome as ok, expected_auth_failure, expected_crash, timeout or
 * unexpected_error (grouped by message class, first examples kept).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const MODERN = "2026-07-28";
const TASKS = "io.modelcontextprotocol/tasks";
const CALL_TIMEOUT_MS = 15_000;
// A message a client sees must not carry a stack frame or a file path.
const LEAK = /\n\s+at |file:\/\/|\/[\w.-]+\/[\w./-]+\.(?:m?js|ts)\b/;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Tally {
  counts = {};
  unexpected = {};
  record(kind, outcome) {
    this.counts[kind] ??= {};
    this.counts[kind][outcome] = (this.counts[kind][outcome] ?? 0) + 1;
  }
  fail(kind, error) {
    const message = String(error?.message ?? error);
    if (error?.name === "TimeoutError" || /timed? ?out/i.test(message)) return this.record(kind, "timeout");
    // The class: digits, ids and quoted values folded so one cause is one row.
    const cls = message
      .replace(/"[^"]*"/g, '"…"')
      .replace(/[0-9a-f]{8,}|\d+/gi, "N")
      .slice(0, 100);
    this.record(kind, "unexpected_error");
    const key = `${kind}: ${cls}`;
    this.unexpected[key] ??= { count: 0, example: message.slice(0, 500) };
    this.unexpected[key].count++;
  }
  total(outcome) {
    return Object.values(this.counts).reduce((sum, row) => sum + (row[outcome] ?? 0), 0);
  }
}

class Unexpected extends Error {}

/** A 2026-07-28 request: { status, message } (message: the JSON-RPC reply, from JSON or SSE). */
async function modernPost(url, token, method, params, name) {
  const response = await fetch(url, {
    method: "POST",
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": MODERN,
      "mcp-method": method,
      ...(name === undefined ? {} : { "mcp-name": name }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: Math.floor(Math.random() * 1e9),
      method,
      params: {
        ...params,
        _meta: {
          "io.modelcontextprotocol/protocolVersion": MODERN,
          "io.modelcontextprotocol/clientCapabilities": { extensions: { [TASKS]: {} } },
          "io.modelcontextprotocol/clientInfo": { name: "mcp-runtime-soak", version: "0.0.0" },
        },
      },
    }),
  });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, text };
  const json = text.startsWith("{")
    ? text
    : (text
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5))
        .find((l) => l.includes('"result"') || l.includes('"error"')) ?? "{}");
  return { status: 200, message: JSON.parse(json), text };
}

async function modernResult(url, token, method, params, name) {
  const { status, message, text } = await modernPost(url, token, method, params, name);
  if (status !== 200) throw new Unexpected(`HTTP ${status}: ${text.slice(0, 200)}`);
  if (message.error) throw new Unexpected(`JSON-RPC ${message.error.code}: ${message.error.message}`);
  return message.result ?? {};
}

function textOf(result) {
  return result?.content?.[0]?.text;
}

function expectEcho(result, text) {
  if (result?.isError) throw new Unexpected(`isError: ${textOf(result)}`);
  if (textOf(result) !== text) throw new Unexpected(`echo answered ${JSON.stringify(textOf(result))}`);
}

/** Runs `step` until the deadline, `copies` loops at once, pausing `pauseMs` between steps. */
function loops(copies, until, pauseMs, step) {
  return Array.from({ length: copies }, async (_, n) => {
    while (Date.now() < until()) {
      await step(n);
      if (pauseMs === 0) continue;
      const left = until() - Date.now();
      // A pause cut short by the deadline ends the loop: a timer may fire a millisecond early, and
      // one more step there would come sooner than its pause promises (a 21st crash 9 s after the
      // 20th opened the breaker on a CI run).
      if (left <= pauseMs) {
        await sleep(Math.max(0, left));
        return;
      }
      await sleep(pauseMs);
    }
  });
}

async function counted(tally, kind, step) {
  try {
    await step();
    tally.record(kind, "ok");
  } catch (error) {
    tally.fail(kind, error);
  }
}

/**
 * Starts every loop; resolves when all have ended after `deadline` (ms since epoch, read through
 * `until()` so the caller may end the run early).
 */
export async function runWorkload({ url, token, tally, until, stdio, onReload }) {
  let serial = 0;
  const modern = loops(4, until, 10, () =>
    counted(tally, "modern_call", async () => {
      const text = `m-${serial++}`;
      expectEcho(
        await modernResult(url, token, "tools/call", { name: "echo", arguments: { text } }, "echo"),
        text,
      );
    }),
  );
  const cached = loops(1, until, 10, (n) =>
    counted(tally, "cache_hit_call", async () => {
      const text = `cached-${n}`;
      expectEcho(
        await modernResult(url, token, "tools/call", { name: "echo", arguments: { text } }, "echo"),
        text,
      );
    }),
  );
  const sessions = loops(2, until, 20, () =>
    counted(tally, "session", async () => {
      const client = new Client({ name: "mcp-runtime-soak", version: "0.0.0" });
      const transport = new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      });
      const options = { timeout: CALL_TIMEOUT_MS };
      await client.connect(transport, options);
      try {
        if (client.getServerVersion() === undefined) throw new Unexpected("no serverInfo");
        const { tools } = await client.listTools(undefined, options);
        if (!tools.some((t) => t.name === "echo")) throw new Unexpected("echo not listed");
        for (let i = 0; i < 5; i++) {
          const text = `s-${serial++}`;
          expectEcho(await client.callTool({ name: "echo", arguments: { text } }, undefined, options), text);
        }
        await transport.terminateSession();
      } finally {
        await client.close();
      }
    }),
  );
  const stdioClient = new Client({ name: "mcp-runtime-soak-stdio", version: "0.0.0" });
  await stdioClient.connect(stdio.transport);
  stdio.started(stdio.transport.pid);
  const stdioCalls = loops(2, until, 5, () =>
    counted(tally, "stdio_call", async () => {
      const text = `io-${serial++}`;
      expectEcho(
        await stdioClient.callTool({ name: "echo", arguments: { text } }, undefined, {
          timeout: CALL_TIMEOUT_MS,
        }),
        text,
      );
    }),
  );
  const tasks = loops(2, until, 50, () =>
    counted(tally, "task", async () => {
      const ms = 200 + (serial++ % 300);
      const created = await modernResult(
        url,
        token,
        "tools/call",
        { name: "slow", arguments: { ms } },
        "slow",
      );
      if (created.resultType !== "task")
        throw new Unexpected(`slow answered resultType ${created.resultType}`);
      const taskId = String(created.taskId);
      const end = Date.now() + CALL_TIMEOUT_MS;
      for (;;) {
        const view = await modernResult(url, token, "tasks/get", { taskId }, taskId);
        if (view.status === "completed") return expectEcho(view.result, "done");
        if (view.status !== "working") throw new Unexpected(`task ended ${view.status}`);
        if (Date.now() > end) throw Object.assign(new Error("task timed out"), { name: "TimeoutError" });
        await sleep(100);
      }
    }),
  );
  let badToken = 0;
  const auth = loops(1, until, 50, async () => {
    try {
      // alternately a wrong token and none at all
      const wrong = badToken++ % 2 === 0 ? `${token.slice(0, -4)}dead` : undefined;
      const { status } = await modernPost(
        url,
        wrong,
        "tools/call",
        { name: "echo", arguments: { text: "x" } },
        "echo",
      );
      if (status !== 401) throw new Unexpected(`bad token got HTTP ${status}`);
      tally.record("auth_failure", "expected_auth_failure");
    } catch (error) {
      tally.fail("auth_failure", error);
    }
  });
  // 4 crashes a minute stay under the default breaker (5 crashes within 60 s open it).
  const crashes = loops(1, until, 15_000, async () => {
    try {
      // An isError result or a JSON-RPC error are both fine, if they say nothing of the internals.
      const { status, message, text } = await modernPost(
        url,
        token,
        "tools/call",
        { name: "crash", arguments: {} },
        "crash",
      );
      if (status !== 200) throw new Unexpected(`crash got HTTP ${status}: ${text.slice(0, 200)}`);
      const said = message.error ? String(message.error.message) : textOf(message.result);
      if (!message.error && message.result?.isError !== true)
        throw new Unexpected("crash answered without isError");
      if (LEAK.test(said ?? "")) throw new Unexpected(`crash message leaks internals: ${said}`);
      tally.record("crash_call", "expected_crash");
    } catch (error) {
      tally.fail("crash_call", error);
    }
    // The plugin must come back (restart backoff starts at 100 ms).
    await counted(tally, "crash_recovery", async () => {
      const end = Date.now() + 10_000;
      for (;;) {
        const result = await modernResult(
          url,
          token,
          "tools/call",
          { name: "alive", arguments: {} },
          "alive",
        );
        if (!result.isError && textOf(result) === "alive") return;
        if (Date.now() > end) throw new Unexpected(`crashy did not recover: ${textOf(result)}`);
        await sleep(200);
      }
    });
  });
  const reloads = loops(1, until, 0, async () => {
    for (let waited = 0; waited < 30_000 && Date.now() < until(); waited += 500) await sleep(500);
    if (Date.now() < until()) onReload();
  });
  await Promise.all([
    ...modern,
    ...cached,
    ...sessions,
    ...stdioCalls,
    ...tasks,
    ...auth,
    ...crashes,
    ...reloads,
  ]);
  stdio.closing = true;
  await stdioClient.close();
}

export function stdioTransport(runtimeCli, configFile, logStream) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [runtimeCli, "serve", "--transport", "stdio", "--config", configFile],
    stderr: "pipe",
  });
  transport.stderr?.pipe(logStream);
  return transport;
}
