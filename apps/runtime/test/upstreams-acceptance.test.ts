/**
 * Acceptance 1 of issue 16: the real CLI (`serve --transport http --port 0`) hosts
 * `@modelcontextprotocol/server-everything` over stdio and over Streamable HTTP, and
 * `@modelcontextprotocol/server-filesystem` over stdio on a temporary folder, and the official
 * SDK 1.x client (2025-era session) and v2 client (2026-07-28) drive them through it: namespaced
 * lists, calls (the long-running tool with its progress relayed), resource reads, prompts, and the
 * upstreams' elicitation and sampling requests answered by the downstream client in either era.
 * Nothing is mocked; the servers are the published packages.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2Transport,
} from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, CLI_PATH } from "./support/paths.js";

const require = createRequire(import.meta.url);

/** The file a package's (only or named) bin runs. */
function binOf(pkg: string): string {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === "string" ? manifest.bin : Object.values(manifest.bin ?? {})[0];
  if (bin === undefined) throw new Error(`${pkg} has no bin`);
  return resolve(dirname(manifestPath), bin);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { method: "GET" });
      return;
    } catch (cause) {
      if (Date.now() > deadline) throw new Error(`${url} did not come up: ${String(cause)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

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
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const url = await new Promise<URL>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no ready line; stderr:\n${stderr}`)), 60_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const match = /mcp-runtime listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        done(new URL(match[1]));
      }
    });
    child.once("exit", (code) => fail(new Error(`exited with ${code} before ready; stderr:\n${stderr}`)));
  });
  return { child, url, stderr: () => stderr, exited };
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.once("exit", (code) => done({ code, stdout, stderr }));
  });
}

type Listed = { name: string; arguments?: { name: string; required?: boolean }[] }[];

const textOf = (content: unknown): string =>
  ((content as { type: string; text?: string }[]).find((c) => c.type === "text")?.text ?? "") as string;

/** What the downstream user answers to server-everything's elicitation form. */
const FORM = { name: "Ada", color: "red", email: "ada@example.test" };
const SAMPLED = {
  role: "assistant",
  content: { type: "text", text: "sampled downstream" },
  model: "test-model",
} as const;

/** A prompt of the namespace that needs no arguments (server-everything has `simple-prompt`). */
function plainPrompt(prompts: Listed, prefix: string): string {
  const found = prompts.find(
    (p) => p.name.startsWith(prefix) && !(p.arguments ?? []).some((a) => a.required),
  );
  if (!found)
    throw new Error(`no argument-free prompt under ${prefix}: ${prompts.map((p) => p.name).join(", ")}`);
  return found.name;
}

describe("hosted MCP servers behind the runtime (issue 16, acceptance 1)", () => {
  let dir: string;
  let filesDir: string;
  let remote: ChildProcess | undefined;
  let served: Served;
  let configPath: string;

  beforeAll(async () => {
    assertBuilt();
    dir = await mkdtemp(join(tmpdir(), "mcp-upstreams-"));
    filesDir = join(dir, "files");
    await mkdir(filesDir);
    await writeFile(join(filesDir, "hello.txt"), "hello from the filesystem server\n");
    const everything = binOf("@modelcontextprotocol/server-everything");
    const filesystem = binOf("@modelcontextprotocol/server-filesystem");
    const port = await freePort();
    remote = spawn(process.execPath, [everything, "streamableHttp"], {
      env: { ...process.env, PORT: String(port) },
      stdio: ["ignore", "ignore", "ignore"],
    });
    await waitForHttp(`http://127.0.0.1:${port}/mcp`, 30_000);
    configPath = join(dir, "mcp-runtime.json");
    await writeFile(
      configPath,
      JSON.stringify({
        server: { name: "upstreams-acceptance", transport: "http" },
        upstreams: [
          { id: "everything", command: process.execPath, args: [everything, "stdio"] },
          { id: "remote", url: `http://127.0.0.1:${port}/mcp` },
          { id: "files", command: process.execPath, args: [filesystem, filesDir] },
        ],
        telemetry: { logLevel: "warn" },
      }),
    );
    served = await serve(configPath);
  }, 120_000);

  afterAll(async () => {
    if (served?.child.exitCode === null) {
      served.child.kill("SIGTERM");
      await served.exited;
    }
    remote?.kill("SIGTERM");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("serves the SDK 1.x client (2025-era session): lists, progress, reads, prompts, elicitation, sampling", async () => {
    const transport = new StreamableHTTPClientTransport(served.url);
    const client = new Client(
      { name: "sdk1-upstreams", version: "1.0.0" },
      { capabilities: { elicitation: {}, sampling: {} } },
    );
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request.params.message);
      return { action: "accept", content: FORM };
    });
    client.setRequestHandler(CreateMessageRequestSchema, () => SAMPLED);
    await client.connect(transport);
    try {
      const tools = (await client.listTools()).tools.map((tool) => tool.name);
      expect(tools).toEqual(
        expect.arrayContaining([
          "everything.echo",
          "everything.trigger-long-running-operation",
          "remote.echo",
          "files.list_allowed_directories",
        ]),
      );
      expect(tools.every((name) => /^(everything|remote|files)\./.test(name))).toBe(true);

      const echoed = await client.callTool({ name: "everything.echo", arguments: { message: "over stdio" } });
      expect(textOf(echoed.content)).toContain("over stdio");
      const remoteEcho = await client.callTool({ name: "remote.echo", arguments: { message: "over http" } });
      expect(textOf(remoteEcho.content)).toContain("over http");

      const progress: number[] = [];
      const long = await client.callTool(
        { name: "everything.trigger-long-running-operation", arguments: { duration: 1, steps: 3 } },
        undefined,
        { onprogress: (p) => progress.push(p.progress) },
      );
      expect(long.isError).not.toBe(true);
      // server-everything reports each step: relayed in order, none lost.
      expect(progress).toEqual([1, 2, 3]);

      const allowed = await client.callTool({ name: "files.list_allowed_directories", arguments: {} });
      expect(textOf(allowed.content)).toContain("files");

      const resources = (await client.listResources()).resources;
      expect(resources.length).toBeGreaterThan(0);
      const first = resources[0];
      const read = await client.readResource({ uri: first?.uri ?? "" });
      expect(read.contents[0]?.uri).toBe(first?.uri);

      const prompts = (await client.listPrompts()).prompts as Listed;
      const name = plainPrompt(prompts, "everything.");
      const prompt = await client.getPrompt({ name, arguments: {} });
      expect(prompt.messages.length).toBeGreaterThan(0);

      // The upstream's elicitation and sampling requests reach this client as real requests.
      const elicited = await client.callTool({
        name: "everything.trigger-elicitation-request",
        arguments: {},
      });
      expect(asked).toHaveLength(1);
      expect(JSON.stringify(elicited.content)).toContain("Ada");
      const sampled = await client.callTool({
        name: "everything.trigger-sampling-request",
        arguments: { prompt: "hello" },
      });
      expect(JSON.stringify(sampled.content)).toContain("sampled downstream");
      await transport.terminateSession();
    } finally {
      await client.close();
    }
  });

  it("serves the v2 client (2026-07-28): the upstreams' requests for input become input_required round trips", async () => {
    const client = new V2Client(
      { name: "sdk2-upstreams", version: "2.0.0" },
      { capabilities: { elicitation: {}, sampling: {} }, versionNegotiation: { mode: "auto" } },
    );
    let asked = 0;
    client.setRequestHandler("elicitation/create", () => {
      asked++;
      return { action: "accept", content: FORM };
    });
    client.setRequestHandler("sampling/createMessage", () => SAMPLED);
    await client.connect(new V2Transport(served.url));
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
      const tools = (await client.listTools()).tools.map((tool) => tool.name);
      expect(tools).toEqual(expect.arrayContaining(["everything.echo", "remote.echo"]));
      const echoed = await client.callTool({ name: "everything.echo", arguments: { message: "modern" } });
      expect(textOf(echoed.content)).toContain("modern");

      const progress: number[] = [];
      const long = await client.callTool(
        { name: "remote.trigger-long-running-operation", arguments: { duration: 1, steps: 3 } },
        { onprogress: (p) => progress.push(p.progress) },
      );
      expect(long.isError).not.toBe(true);
      expect(progress).toEqual([1, 2, 3]);

      const resources = (await client.listResources()).resources;
      const read = await client.readResource({ uri: resources[0]?.uri ?? "" });
      expect(read.contents.length).toBeGreaterThan(0);
      const prompts = (await client.listPrompts()).prompts as Listed;
      const prompt = await client.getPrompt({ name: plainPrompt(prompts, "remote."), arguments: {} });
      expect(prompt.messages.length).toBeGreaterThan(0);

      // 2026-07-28: the upstream's request becomes an input_required round trip; the upstream call
      // is cancelled, and issued again with the answer when the client retries.
      const elicited = await client.callTool({
        name: "everything.trigger-elicitation-request",
        arguments: {},
      });
      expect(asked).toBe(1);
      expect(JSON.stringify(elicited.content)).toContain("Ada");
      const sampled = await client.callTool({
        name: "remote.trigger-sampling-request",
        arguments: { prompt: "hello" },
      });
      expect(JSON.stringify(sampled.content)).toContain("sampled downstream");
    } finally {
      await client.close();
    }
  });

  it("lists every upstream as ready in /readyz", async () => {
    const reply = await fetch(new URL("/readyz", served.url));
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as { upstreams: { id: string; kind: string; state: string }[] };
    expect(body.upstreams.map((u) => [u.id, u.kind, u.state])).toEqual([
      ["everything", "stdio", "ready"],
      ["remote", "remote", "ready"],
      ["files", "stdio", "ready"],
    ]);
  });

  it("`upstreams list --json` prints each upstream's kind, sharing, state and tool count", async () => {
    const { code, stdout } = await runCli(["upstreams", "list", "--config", configPath, "--json"]);
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as {
      id: string;
      kind: string;
      sharing: string;
      state: string;
      tools: number;
    }[];
    expect(listed.map((u) => [u.id, u.kind, u.sharing, u.state])).toEqual([
      ["everything", "stdio", "shared", "ready"],
      ["remote", "remote", "shared", "ready"],
      ["files", "stdio", "shared", "ready"],
    ]);
    expect(listed.every((u) => u.tools > 0)).toBe(true);
  }, 60_000);
});
