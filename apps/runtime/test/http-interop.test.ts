/**
 * @module Interop over HTTP: the real CLI (`serve --transport http --port 0`) driven by the
 * official SDK 1.x client (Streamable HTTP and the 2024-11-05 SSE transport), the v2 client in
 * the 2026-07-28 era, a benchmark-style bare POST, and SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2Transport,
} from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_PATH } from "./support/paths.js";

const PLUGIN_DIR = fileURLToPath(new URL("./fixtures/http-plugin", import.meta.url));

interface Served {
  child: ChildProcess;
  url: URL;
  stderr(): string;
  exited: Promise<number | null>;
}

async function serve(configPath: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    [CLI_PATH, "serve", "--transport", "http", "--port", "0", "--config", configPath],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line; stderr:\n${stderr}`)), 15_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const match = /mcp-runtime listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(new URL(match[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code} before ready; stderr:\n${stderr}`)));
  });
  return { child, url, stderr: () => stderr, exited };
}

describe("HTTP interop with the real CLI", () => {
  let dir: string;
  let served: Served;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mcp-runtime-http-"));
    const configPath = join(dir, "mcp-runtime.json");
    await writeFile(
      configPath,
      JSON.stringify({
        server: { name: "http-interop", transport: "http" },
        plugins: [{ path: PLUGIN_DIR }],
        telemetry: { logLevel: "warn" },
      }),
    );
    served = await serve(configPath);
  });

  afterAll(async () => {
    if (served?.child.exitCode === null) served.child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the ready line with the real port on 127.0.0.1 and the /mcp path", () => {
    expect(served.url.hostname).toBe("127.0.0.1");
    expect(Number(served.url.port)).toBeGreaterThan(0);
    expect(served.url.pathname).toBe("/mcp");
  });

  it("serves the SDK 1.x client over Streamable HTTP (session, tools, resource, prompt, DELETE)", async () => {
    const transport = new StreamableHTTPClientTransport(served.url);
    const client = new Client({ name: "sdk1-http", version: "1.0.0" });
    await client.connect(transport);
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["echo", "count"]));
    const echoed = await client.callTool({ name: "echo", arguments: { text: "hello over http" } });
    expect(echoed.content).toEqual([{ type: "text", text: "hello over http" }]);
    const progress: number[] = [];
    const counted = await client.callTool({ name: "count", arguments: {} }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(counted.content).toEqual([{ type: "text", text: "counted" }]);
    expect(progress).toEqual([1, 2, 3]);
    const read = await client.readResource({ uri: "test://static-text" });
    expect(read.contents[0]).toMatchObject({ uri: "test://static-text", text: "static text over http" });
    const prompt = await client.getPrompt({ name: "greet", arguments: { who: "Ada" } });
    expect(prompt.messages[0]?.content).toEqual({ type: "text", text: "Hello, Ada!" });
    await transport.terminateSession();
    await client.close();
  });

  it("serves the SDK 1.x client over the 2024-11-05 SSE transport (/sse + /messages)", async () => {
    const client = new Client({ name: "sdk1-sse", version: "1.0.0" });
    await client.connect(new SSEClientTransport(new URL("/sse", served.url)));
    const echoed = await client.callTool({ name: "echo", arguments: { text: "hello over sse" } });
    expect(echoed.content).toEqual([{ type: "text", text: "hello over sse" }]);
    const read = await client.readResource({ uri: "test://static-text" });
    expect(read.contents[0]).toMatchObject({ text: "static text over http" });
    const prompt = await client.getPrompt({ name: "greet", arguments: { who: "Sse" } });
    expect(prompt.messages[0]?.content).toEqual({ type: "text", text: "Hello, Sse!" });
    await client.close();
  });

  it("serves the v2 client in the 2026-07-28 era (no session, headers + _meta)", async () => {
    const client = new V2Client(
      { name: "sdk2-http", version: "2.0.0" },
      { versionNegotiation: { mode: "auto" } },
    );
    const transport = new V2Transport(served.url);
    await client.connect(transport);
    expect(client.getProtocolEra()).toBe("modern");
    expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain("echo");
    const echoed = await client.callTool({ name: "echo", arguments: { text: "hello modern" } });
    expect(echoed.content).toEqual([{ type: "text", text: "hello modern" }]);
    const read = await client.readResource({ uri: "test://static-text" });
    expect(read.contents[0]).toMatchObject({ text: "static text over http" });
    const prompt = await client.getPrompt({ name: "greet", arguments: { who: "V2" } });
    expect(prompt.messages[0]?.content).toEqual({ type: "text", text: "Hello, V2!" });
    await client.close();
  });

  it("answers a benchmark-style bare tools/call (no initialize, no session, no version header)", async () => {
    const reply = await fetch(served.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: "w0-0000000001",
        method: "tools/call",
        params: { name: "echo", arguments: { text: "hello" } },
      }),
    });
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as { result: { content: unknown } };
    expect(body.result.content).toEqual([{ type: "text", text: "hello" }]);
  });

  it("answers /healthz and /readyz", async () => {
    expect((await fetch(new URL("/healthz", served.url))).status).toBe(200);
    expect((await fetch(new URL("/readyz", served.url))).status).toBe(200);
  });

  it("exits 0 on SIGTERM", async () => {
    served.child.kill("SIGTERM");
    expect(await served.exited).toBe(0);
  });
});
