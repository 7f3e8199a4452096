/**
 * Acceptance (issue 5): hostile plugins run in the sandbox; each misdeed gets a clear error
 * result without a stack trace, and a concurrent stream of echo calls from another client keeps
 * succeeding throughout. Runs the built CLI over HTTP (worker mode, then process mode).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { isolatingFetch } from "./support/isolating-fetch.js";
import { assertBuilt } from "./support/paths.js";

const HOSTILE = fileURLToPath(new URL("./fixtures/hostile", import.meta.url));
const STACK = /\n\s+at |file:\/\/|\.js:\d+/;

interface ToolText {
  isError: boolean;
  text: string;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: "sandbox-test", version: "0.0.0" });
  // isolatingFetch: the echo streams make thousands of calls on one transport (see the module).
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: isolatingFetch }));
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolText> {
  const result = await client.callTool({ name, arguments: args }, undefined, { timeout: 20_000 });
  const content = result.content as { type: string; text?: string }[];
  return { isError: result.isError === true, text: content.map((c) => c.text ?? "").join("") };
}

/** Calls echo in a loop until stopped; counts successes and failures. */
function echoStream(client: Client) {
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const done = (async () => {
    while (running) {
      try {
        const r = await call(client, "echo", { text: `n${ok}` });
        if (!r.isError && r.text === `n${ok}`) ok++;
        else failures.push(r.text);
      } catch (cause) {
        failures.push(String(cause));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return { ok, failures };
    },
  };
}

function hostileConfig(mode: "worker" | "process") {
  return {
    plugins: [
      { package: "@mcp-runtime/plugin-echo" },
      {
        path: HOSTILE,
        id: "hostile",
        sandbox: {
          mode,
          timeoutMs: 1_500,
          maxMemoryMb: 48,
          env: ["GRANTED_VAR"],
          net: { allow: ["*", "localhost"] },
        },
      },
    ],
  };
}

let target: Server;
let targetPort = 0;

beforeAll(async () => {
  assertBuilt();
  process.env.GRANTED_VAR = "granted-value";
  process.env.SANDBOX_TEST_SECRET = "must-not-leak";
  target = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/redirect") {
      res.writeHead(302, { location: url.searchParams.get("to") ?? "/" }).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" }).end("secret-internal-page");
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetPort = (target.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => target.close(resolve));
});

describe("sandbox, worker mode: hostile plugins", () => {
  let runtime: HttpRuntime;
  let victim: Client;
  let attacker: Client;
  beforeAll(async () => {
    runtime = await startHttpRuntime(hostileConfig("worker"));
    victim = await connect(runtime.url);
    attacker = await connect(runtime.url);
  });
  afterAll(async () => {
    await Promise.allSettled([victim?.close(), attacker?.close()]);
    expect(await runtime.stop()).toBe(0);
  });

  it("answers every misdeed with a clear error, no stack, while another client's echo stream keeps succeeding", async () => {
    const stream = echoStream(victim);
    const cases: [tool: string, args: Record<string, unknown>, expected: RegExp][] = [
      ["loop", {}, /did not answer within 1500 ms/],
      ["oom", {}, /crashed \(out of memory\)/],
      ["throw", {}, /^boom from plugin$/],
      ["reject", {}, /^rejected by plugin$/],
      ["exit", {}, /crashed \(exited with code 1\)/],
      ["uncaught", {}, /crashed \(uncaught error\)/],
      ["read-passwd-ctx", {}, /outside the granted roots|no file system roots/],
      ["fetch", { url: `http://127.0.0.1:${targetPort}/` }, /refused: 127\.0\.0\.1 resolves to a private/],
      ["fetch", { url: "http://169.254.169.254/latest/meta-data/" }, /refused: 169\.254\.169\.254/],
      ["fetch", { url: "http://[::1]/" }, /refused: ::1/],
      [
        "fetch",
        {
          url: `http://localhost:${targetPort}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${targetPort}/`)}`,
        },
        /refused: 127\.0\.0\.1/,
      ],
      [
        "fetch",
        {
          url: `http://localhost:${targetPort}/redirect?to=${encodeURIComponent("http://169.254.169.254/")}`,
        },
        /refused: 169\.254\.169\.254/,
      ],
    ];
    for (const [tool, args, expected] of cases) {
      const result = await call(attacker, tool, args);
      expect(result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(result.text).toMatch(expected);
      expect(result.text).not.toMatch(STACK);
      // The plugin is back after each misdeed.
      expect(await call(attacker, "hostile-echo", { text: "alive" })).toEqual({
        isError: false,
        text: "alive",
      });
    }
    const { ok, failures } = await stream.stop();
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    process.stderr.write(`[sandbox-hostile] worker mode: ${ok} concurrent echo calls succeeded\n`);
  }, 120_000);

  it("gives the plugin only the env vars its sandbox grants", async () => {
    const env = JSON.parse((await call(attacker, "env")).text) as Record<string, string>;
    expect(env).toEqual({ GRANTED_VAR: "granted-value" });
  });

  it("lets ctx.fetch reach a private host the operator named (localhost), and nothing else private", async () => {
    expect(await call(attacker, "fetch", { url: `http://localhost:${targetPort}/` })).toEqual({
      isError: false,
      text: "200 secret-internal-page",
    });
  });

  it("reports the sandbox state per plugin on /readyz", async () => {
    const res = await fetch(new URL("/readyz", runtime.url));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { plugins?: { plugin: string; breaker: string }[] };
    expect(body.plugins?.map((p) => [p.plugin, p.breaker])).toEqual([
      ["echo", "closed"],
      ["hostile", "closed"],
    ]);
  });
});

describe("sandbox, process mode: the permission model", () => {
  let runtime: HttpRuntime;
  let victim: Client;
  let attacker: Client;
  beforeAll(async () => {
    runtime = await startHttpRuntime(hostileConfig("process"));
    victim = await connect(runtime.url);
    attacker = await connect(runtime.url);
  });
  afterAll(async () => {
    await Promise.allSettled([victim?.close(), attacker?.close()]);
    expect(await runtime.stop()).toBe(0);
  });

  it("refuses node:fs reads outside the plugin's package and survives exit, loop and OOM", async () => {
    const stream = echoStream(victim);
    const passwd = await call(attacker, "read-passwd-fs");
    expect(passwd.isError).toBe(true);
    expect(passwd.text).toMatch(/Access to this API has been restricted/);
    expect(passwd.text).not.toMatch(/root:/);
    for (const [tool, expected] of [
      ["exit", /crashed \(exited with code 1\)/],
      ["loop", /did not answer within 1500 ms/],
      ["oom", /crashed/],
    ] as const) {
      const result = await call(attacker, tool);
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(expected);
      expect(result.text).not.toMatch(STACK);
      expect(await call(attacker, "hostile-echo", { text: "alive" })).toEqual({
        isError: false,
        text: "alive",
      });
    }
    const env = JSON.parse((await call(attacker, "env")).text) as Record<string, string>;
    expect(env.SANDBOX_TEST_SECRET).toBeUndefined();
    expect(env.GRANTED_VAR).toBe("granted-value");
    const { failures } = await stream.stop();
    expect(failures).toEqual([]);
  }, 120_000);
});
