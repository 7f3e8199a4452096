/**
 * `mcp-runtime call`: in process (the config's runtime with its sandbox workers, no transport) and
 * with --url against a real `serve --transport http` process with `auth.mode: tokens`.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../src/commands/call.js";
import { parseToolArgs } from "../src/commands/call-args.js";
import { renderResult } from "../src/commands/call-render.js";
import { tokenCreate } from "../src/commands/token-create.js";
import { captureIo, runCli } from "./support/cli-io.js";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt, RUNTIME_DIR } from "./support/paths.js";

const EVALS_FIXTURE = join(RUNTIME_DIR, "test", "fixtures", "evals");

describe("mcp-runtime call, in process", () => {
  let dir: string;
  let config: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mcp-call-"));
    config = join(dir, "mcp-runtime.yaml");
    await writeFile(
      config,
      `plugins:\n  - package: "@mcp-runtime/plugin-echo"\n  - path: ${EVALS_FIXTURE}\ntelemetry:\n  logLevel: info\n`,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the text contents of the echo tool and exits 0, with no log lines below warn", async () => {
    const io = captureIo();
    expect(await call("echo", { config, args: '{"text":"hello from call"}' }, io)).toBe(0);
    expect(io.out).toBe("hello from call\n");
    expect(io.err).toBe("");
  });

  it("--json prints the whole CallToolResult", async () => {
    const io = captureIo();
    expect(await call("echo", { config, args: '{"text":"hi"}', json: true }, io)).toBe(0);
    expect(JSON.parse(io.out)).toEqual({ content: [{ type: "text", text: "hi" }] });
  });

  it("uses $MCP_CONFIG when --config is absent, as serve does", async () => {
    const before = process.env.MCP_CONFIG;
    process.env.MCP_CONFIG = config;
    try {
      const io = captureIo();
      expect(await call("greet", { args: '{"name":"Ada"}' }, io)).toBe(0);
      expect(io.out).toBe("Hello, Ada!\n");
    } finally {
      if (before === undefined) delete process.env.MCP_CONFIG;
      else process.env.MCP_CONFIG = before;
    }
  });

  it("bad JSON in --args is a usage error naming the position", async () => {
    const io = captureIo();
    expect(await call("echo", { config, args: '{"text":}' }, io)).toBe(2);
    expect(io.err).toContain('--args is not valid JSON at position 8: unexpected "}"');
    expect(io.out).toBe("");
  });

  it("--args that is not an object is a usage error", async () => {
    const io = captureIo();
    expect(await call("echo", { config, args: '["hello"]' }, io)).toBe(2);
    expect(io.err).toContain("--args must be a JSON object of the tool's arguments, got an array");
  });

  it("--config with --url, or a bad --timeout-ms, is a usage error", async () => {
    expect(await call("echo", { config, url: "http://127.0.0.1:1/mcp" }, captureIo())).toBe(2);
    expect(await call("echo", { config, timeoutMs: 0 }, captureIo())).toBe(2);
    expect(await call("echo", { url: "ftp://example.test" }, captureIo())).toBe(2);
  });

  it("an unknown tool exits 1 and says which tools exist", async () => {
    const io = captureIo();
    expect(await call("nope", { config }, io)).toBe(1);
    expect(io.err).toContain('unknown tool "nope"; tools: big, echo, fails, greet, profile, slow');
  });

  it("a tool error exits 1 with the error text on stdout", async () => {
    const io = captureIo();
    expect(await call("fails", { config }, io)).toBe(1);
    expect(io.out).toMatch(/out of order/);
    expect(io.err).toContain("fails answered with an error (isError)");
  });

  it("--timeout-ms cancels a slow call and exits 1", async () => {
    const io = captureIo();
    expect(await call("slow", { config, args: '{"ms":10000}', timeoutMs: 200 }, io)).toBe(1);
    expect(io.err).toContain("timed out after 200 ms");
  });

  it("a runtime that cannot start exits 3; an invalid config exits 1", async () => {
    const missing = join(dir, "missing-plugin.yaml");
    await writeFile(missing, `plugins:\n  - path: ${join(dir, "no-such-plugin")}\n`);
    const io = captureIo();
    expect(await call("echo", { config: missing }, io)).toBe(3);
    expect(io.err).toContain("the runtime could not start");
    const invalid = join(dir, "invalid.yaml");
    await writeFile(invalid, "plugins: 3\n");
    const bad = captureIo();
    expect(await call("echo", { config: invalid }, bad)).toBe(1);
    expect(bad.err).toContain("plugins");
  });
});

describe("rendering and argument parsing", () => {
  it("summarises non-text content and pretty-prints structuredContent when there is no text", () => {
    const png = Buffer.alloc(1234).toString("base64");
    expect(
      renderResult({
        content: [
          { type: "image", mimeType: "image/png", data: png },
          { type: "resource_link", uri: "file:///a.txt", name: "a" },
        ],
        structuredContent: { ok: true },
      }),
    ).toBe('[image image/png, 1234 bytes]\n[resource link file:///a.txt]\n{\n  "ok": true\n}\n');
    expect(renderResult({ content: [{ type: "text", text: "a" }], structuredContent: { ok: true } })).toBe(
      "a\n",
    );
  });

  it("names where JSON stops being JSON", () => {
    expect(parseToolArgs('{"a": tru}')).toMatchObject({
      ok: false,
      message: expect.stringContaining('position 6: unexpected "t"'),
    });
    expect(parseToolArgs('{"a": 1')).toMatchObject({
      ok: false,
      message: expect.stringContaining("position 7: unexpected end of input"),
    });
    expect(parseToolArgs('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });
});

describe("mcp-runtime call, the built CLI", () => {
  it("prints the result and exits with the command's code", async () => {
    assertBuilt();
    const dir = await mkdtemp(join(tmpdir(), "mcp-call-cli-"));
    try {
      const config = join(dir, "mcp-runtime.yaml");
      await writeFile(config, 'plugins:\n  - package: "@mcp-runtime/plugin-echo"\n');
      const ok = await runCli(["call", "echo", "--config", config, "--args", '{"text":"via the CLI"}']);
      expect(ok).toEqual({ code: 0, stdout: "via the CLI\n", stderr: "" });
      const json = await runCli(["call", "echo", "--config", config, "--args", '{"text":"j"}', "--json"]);
      expect(JSON.parse(json.stdout)).toEqual({ content: [{ type: "text", text: "j" }] });
      const unknown = await runCli(["call", "nope", "--config", config]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('unknown tool "nope"; tools: echo');
      const bad = await runCli(["call", "echo", "--config", config, "--args", "{"]);
      expect(bad.code).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("mcp-runtime call --url (auth.mode tokens)", () => {
  let runtime: HttpRuntime;
  let token: string;
  const savedToken = process.env.MCP_TOKEN;

  beforeAll(async () => {
    assertBuilt();
    const minted = captureIo();
    expect(tokenCreate({ subject: "cli", scopes: "" }, minted)).toBe(0);
    token = minted.out.split("\n")[0] ?? "";
    const sha256 = /sha256: "([0-9a-f]{64})"/.exec(minted.out)?.[1];
    runtime = await startHttpRuntime({
      plugins: [{ package: "@mcp-runtime/plugin-echo" }],
      auth: { mode: "tokens", tokens: [{ sha256, subject: "cli", scopes: [] }] },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    if (savedToken === undefined) delete process.env.MCP_TOKEN;
    else process.env.MCP_TOKEN = savedToken;
  });

  it("calls the served runtime with the bearer token from MCP_TOKEN and exits 0", async () => {
    process.env.MCP_TOKEN = token;
    const io = captureIo();
    expect(await call("echo", { url: runtime.url, args: '{"text":"over http"}' }, io)).toBe(0);
    expect(io.out).toBe("over http\n");
  });

  it("--json over HTTP prints the CallToolResult", async () => {
    process.env.MCP_TOKEN = token;
    const io = captureIo();
    expect(await call("echo", { url: runtime.url, args: '{"text":"j"}', json: true }, io)).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ content: [{ type: "text", text: "j" }] });
  });

  it("an unknown tool over HTTP exits 1 and lists the served tools", async () => {
    process.env.MCP_TOKEN = token;
    const io = captureIo();
    expect(await call("nope", { url: runtime.url }, io)).toBe(1);
    expect(io.err).toContain('unknown tool "nope"; tools: echo');
  });

  it("a wrong MCP_TOKEN exits 3 and says to set MCP_TOKEN", async () => {
    process.env.MCP_TOKEN = "mcpr_wrong";
    const io = captureIo();
    expect(await call("echo", { url: runtime.url, args: '{"text":"x"}' }, io)).toBe(3);
    expect(io.err).toContain("refused the token in MCP_TOKEN (401): set MCP_TOKEN");
    expect(io.err).not.toContain("mcpr_wrong");
  });

  it("no MCP_TOKEN exits 3 and says to set it", async () => {
    delete process.env.MCP_TOKEN;
    const io = captureIo();
    expect(await call("echo", { url: runtime.url }, io)).toBe(3);
    expect(io.err).toContain("requires a bearer token (401): set MCP_TOKEN");
  });

  it("an unreachable URL exits 3", async () => {
    const io = captureIo();
    // Port 1 (tcpmux) is privileged and unused: the connection is refused.
    expect(await call("echo", { url: "http://127.0.0.1:1/mcp" }, io)).toBe(3);
    expect(io.err).toContain("cannot reach http://127.0.0.1:1/mcp");
  });
});
