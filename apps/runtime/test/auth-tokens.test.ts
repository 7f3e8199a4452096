/**
 * Acceptance: `auth.mode: tokens` (air-gapped): tokens minted by `mcp-runtime token create`, only
 * their digests in the config, no identity provider anywhere. SDK 1.x and v2 clients call tools
 * with a static bearer header; wrong tokens, missing scopes and replayed sessions are refused.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
} from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createRecordingPlugin, type RecordingPlugin, rpc } from "./auth-support.js";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt, CLI_PATH } from "./support/paths.js";

const run = promisify(execFile);

interface Minted {
  token: string;
  entry: { sha256: string; subject: string; scopes: string[] };
}

/** Runs the real CLI and reads back the token and the YAML line it printed. */
async function mint(subject: string, scopes: string): Promise<Minted> {
  const { stdout } = await run(process.execPath, [
    CLI_PATH,
    "token",
    "create",
    "--subject",
    subject,
    "--scopes",
    scopes,
  ]);
  const token = stdout.split("\n")[0] ?? "";
  const line = /^ {2}- \{ sha256: "([0-9a-f]{64})", subject: (".*"), scopes: \[(.*)\] \}$/m.exec(stdout);
  if (line === null) throw new Error(`no config line in:\n${stdout}`);
  return {
    token,
    entry: {
      sha256: line[1] ?? "",
      subject: JSON.parse(line[2] ?? '""'),
      scopes: JSON.parse(`[${line[3]}]`),
    },
  };
}

describe("auth.mode tokens (no identity provider)", () => {
  let plugin: RecordingPlugin;
  let runtime: HttpRuntime;
  let alice: Minted;
  let bob: Minted;

  beforeAll(async () => {
    assertBuilt();
    plugin = await createRecordingPlugin();
    alice = await mint("alice", "tools:record,tools:echo");
    bob = await mint("bob", "tools:echo");
    runtime = await startHttpRuntime({
      plugins: [{ path: plugin.dir }],
      auth: {
        mode: "tokens",
        tokens: [alice.entry, bob.entry],
        oauth: { scopes: { record: "tools:record" } },
      },
      telemetry: { logLevel: "debug" },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await plugin?.remove();
  });

  it("token create prints a 256-bit mcpr_ token once and the matching config line", () => {
    expect(alice.token).toMatch(/^mcpr_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(alice.token.slice(5), "base64url")).toHaveLength(32);
    expect(alice.entry).toMatchObject({ subject: "alice", scopes: ["tools:record", "tools:echo"] });
    expect(alice.token).not.toBe(bob.token);
  });

  it("serves metadata without authorization servers", async () => {
    const res = await fetch(`${new URL(runtime.url).origin}/.well-known/oauth-protected-resource/mcp`);
    expect(await res.json()).toEqual({
      resource: runtime.url,
      scopes_supported: ["tools:record"],
      bearer_methods_supported: ["header"],
    });
  });

  it("SDK 1.x with a static bearer header: the subject reaches the plugin ctx", async () => {
    const client = new Client({ name: "tokens-v1", version: "0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(runtime.url), {
        requestInit: { headers: { authorization: `Bearer ${alice.token}` } },
      }),
    );
    const before = (await plugin.calls()).length;
    expect(await client.callTool({ name: "record", arguments: {} })).toMatchObject({
      content: [{ text: "recorded" }],
    });
    expect(await client.callTool({ name: "whoami", arguments: {} })).toMatchObject({
      content: [{ text: "alice" }],
    });
    expect((await plugin.calls()).slice(before)).toEqual(["alice"]);
    await client.close();
  });

  it("SDK v2 with a token provider: tools a token may not call are left out of tools/list", async () => {
    const client = new ClientV2({ name: "tokens-v2", version: "0" });
    await client.connect(
      new TransportV2(new URL(runtime.url), { authProvider: { token: async () => bob.token } }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["echo", "whoami"]);
    expect(await client.callTool({ name: "whoami", arguments: {} })).toMatchObject({
      content: [{ text: "bob" }],
    });
    await client.close();
  });

  it("an unknown token → 401 invalid_token with resource_metadata; nothing runs", async () => {
    const before = (await plugin.calls()).length;
    const res = await rpc(
      runtime.url,
      { method: "tools/call", params: { name: "record", arguments: {} } },
      { authorization: `Bearer ${alice.token}x` },
    );
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer error="invalid_token", error_description="unknown token", resource_metadata="${new URL(runtime.url).origin}/.well-known/oauth-protected-resource/mcp", scope="tools:record"`,
    );
    expect((await plugin.calls()).length).toBe(before);
  });

  it("a token without the tool's scope → 403 insufficient_scope (legacy session and modern request); nothing runs", async () => {
    const before = (await plugin.calls()).length;
    const legacy = await rpc(
      runtime.url,
      { method: "tools/call", params: { name: "record", arguments: {} } },
      { authorization: `Bearer ${bob.token}` },
    );
    expect(legacy.status).toBe(403);
    expect(legacy.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(legacy.headers.get("www-authenticate")).toContain('scope="tools:record"');
    const modern = await rpc(
      runtime.url,
      {
        method: "tools/call",
        params: {
          name: "record",
          arguments: {},
          _meta: {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
          },
        },
      },
      {
        authorization: `Bearer ${bob.token}`,
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/call",
        "mcp-name": "record",
      },
    );
    expect(modern.status).toBe(403);
    expect((await plugin.calls()).length).toBe(before);
  });

  it("a session id replayed with another subject's token → 404", async () => {
    const init = await rpc(
      runtime.url,
      {
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "0" } },
      },
      { authorization: `Bearer ${alice.token}` },
    );
    const session = init.headers.get("mcp-session-id") ?? "";
    const replay = await rpc(
      runtime.url,
      { method: "tools/call", params: { name: "whoami", arguments: {} } },
      {
        authorization: `Bearer ${bob.token}`,
        "mcp-session-id": session,
        "mcp-protocol-version": "2025-11-25",
      },
    );
    expect(replay.status).toBe(404);
  });

  it("WebSocket: each token's session gets its own tool scopes; a refused upgrade carries the HTTP 401 challenge", async () => {
    const wsUrl = runtime.url.replace(/^http/, "ws").replace(/\/mcp$/, "/mcp/ws");
    const open = (token: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(wsUrl, "mcp", { headers: { authorization: `Bearer ${token}` } });
        socket.once("open", () => resolve(socket));
        socket.once("unexpected-response", (_req, res) => reject(new Error(`status ${res.statusCode}`)));
        socket.once("error", reject);
      });
    let nextId = 1;
    const request = (socket: WebSocket, method: string, params: Record<string, unknown>) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const id = nextId++;
        const onMessage = (data: Buffer) => {
          const message = JSON.parse(data.toString()) as { id?: number } & Record<string, unknown>;
          if (message.id !== id) return;
          socket.off("message", onMessage);
          resolve(message);
        };
        socket.on("message", onMessage);
        const _meta = {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": {},
        };
        socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params: { ...params, _meta } }));
      });
    const toolNames = async (socket: WebSocket) => {
      const listed = (await request(socket, "tools/list", {})) as { result?: { tools: { name: string }[] } };
      return listed.result?.tools.map((t) => t.name).sort();
    };

    const aliceWs = await open(alice.token);
    const bobWs = await open(bob.token);
    expect(await toolNames(aliceWs)).toEqual(["echo", "record", "whoami"]);
    expect(await toolNames(bobWs)).toEqual(["echo", "whoami"]);
    expect(await request(bobWs, "tools/call", { name: "whoami", arguments: {} })).toMatchObject({
      result: { content: [{ text: "bob" }] },
    });
    const before = (await plugin.calls()).length;
    const refused = (await request(bobWs, "tools/call", { name: "record", arguments: {} })) as {
      error?: { message: string };
    };
    expect(refused.error?.message).toBe("Unknown tool: record");
    expect((await plugin.calls()).length).toBe(before);
    aliceWs.close();
    bobWs.close();

    const challenge = await new Promise<{ status: number; header: string | undefined }>((resolve, reject) => {
      const socket = new WebSocket(wsUrl, "mcp", { headers: { authorization: `Bearer ${alice.token}x` } });
      socket.once("unexpected-response", (_req, res) => {
        resolve({ status: res.statusCode ?? 0, header: res.headers["www-authenticate"] });
        res.resume();
        socket.terminate();
      });
      socket.once("open", () => reject(new Error("an unknown token was accepted")));
      socket.once("error", () => {});
    });
    expect(challenge).toEqual({
      status: 401,
      header: `Bearer error="invalid_token", error_description="unknown token", resource_metadata="${new URL(runtime.url).origin}/.well-known/oauth-protected-resource/mcp", scope="tools:record"`,
    });
  });

  it("logs carry the subject and never a raw token", async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const logs = runtime.stderr();
    expect(logs).toContain('"subject":"alice"');
    for (const token of [alice.token, bob.token]) expect(logs).not.toContain(token.slice(5));
  });
});
