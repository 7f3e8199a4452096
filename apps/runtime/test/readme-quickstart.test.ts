/**
 * @module Acceptance: the README's Quickstart, run as a new user would on the built repository. The
 * commands, the host config and the YAML are read from the README's marked blocks
 * (`<!-- quickstart:NAME -->` before a fenced block), so a README that drifts from the product
 * fails here. `npx mcp-runtime ...` runs the committed launcher that `npx` resolves to.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, BIN_PATH, REPO_ROOT } from "./support/paths.js";
import { type ReadyProcess, spawnReady } from "./support/ready-process.js";

interface Block {
  lang: string;
  body: string;
}

/** The fenced block right after `<!-- quickstart:NAME -->`. */
function block(readme: string, name: string): Block {
  const marker = `<!-- quickstart:${name} -->`;
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker} block`);
  const found = /^\s*```(\w*)\n([\s\S]*?)\n```/.exec(readme.slice(at + marker.length));
  if (!found) throw new Error(`README.md: ${marker} is not followed by a fenced code block`);
  return { lang: found[1] ?? "", body: found[2] ?? "" };
}

/**
 * Splits a POSIX shell snippet into commands of words: quotes, backslash line continuations,
 * comments, `&&`, and `$VAR` expansion from `env` outside single quotes. Enough for README
 * commands; anything fancier (pipes, subshells) is refused so the test cannot silently misread it.
 */
function shellCommands(text: string, env: Record<string, string | undefined>): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | undefined;
  const flushWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const flushCommand = () => {
    flushWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  const expand = (from: number): [string, number] => {
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(from))?.[0] ?? "";
    return [env[name] ?? "", from + name.length];
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "\\" && text[i + 1] === "\n") i += 2;
    else if (c === "\n") {
      flushCommand();
      i += 1;
    } else if (c === " " || c === "\t") {
      flushWord();
      i += 1;
    } else if (c === "#" && word === undefined) {
      while (i < text.length && text[i] !== "\n") i += 1;
    } else if (c === "&" && text[i + 1] === "&") {
      flushCommand();
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word = (word ?? "") + text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      word = word ?? "";
      i += 1;
      while (text[i] !== '"') {
        if (text[i] === "$") {
          const [value, next] = expand(i + 1);
          word += value;
          i = next;
        } else {
          word += text[i];
          i += 1;
        }
      }
      i += 1;
    } else if (c === "$") {
      const [value, next] = expand(i + 1);
      word = (word ?? "") + value;
      i = next;
    } else if ("|;<>`()".includes(c)) {
      throw new Error(`README command uses "${c}", which this test does not interpret: ${text}`);
    } else {
      word = (word ?? "") + c;
      i += 1;
    }
  }
  flushCommand();
  return commands;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a new user's shell: nothing of ours that would change what the CLI does. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of ["MCP_CONFIG", "MCP_HOST", "MCP_PORT", "MCP_TOKEN", "LOG_LEVEL"])
    if (!(name in extra)) delete env[name];
  return env;
}

/** Runs `npx mcp-runtime ARGS` as the launcher npx resolves to (`node apps/runtime/bin/mcp-runtime.js`). */
function mcpRuntime(words: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  expect(words.slice(0, 2), `a README command that is not npx mcp-runtime: ${words.join(" ")}`).toEqual([
    "npx",
    "mcp-runtime",
  ]);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN_PATH, ...words.slice(2)],
      { cwd, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A curl command line as a fetch: URL, -H headers, -d body. */
function curlRequest(words: string[]): { url: string; headers: Record<string, string>; body: string } {
  expect(words[0]).toBe("curl");
  const headers: Record<string, string> = {};
  let url = "";
  let body = "";
  for (let i = 1; i < words.length; i += 1) {
    const word = words[i] as string;
    if (word === "-H") {
      const header = words[++i] as string;
      const colon = header.indexOf(":");
      headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    } else if (word === "-d") body = words[++i] as string;
    else if (word === "-s") continue;
    else if (word.startsWith("http")) url = word;
    else throw new Error(`README curl uses ${word}, which this test does not interpret`);
  }
  return { url, headers, body };
}

function firstText(result: unknown): unknown {
  const content = (result as { content?: { type: string; text?: string }[] }).content;
  return content?.[0]?.text;
}

describe("the README quickstart, followed as written", () => {
  let readme: string;
  let scratch: string;

  beforeAll(async () => {
    assertBuilt();
    readme = await readFile(join(REPO_ROOT, "README.md"), "utf8");
    scratch = await realpath(await mkdtemp(join(tmpdir(), "readme-quickstart-")));
    // `npx mcp-runtime` in a clone resolves to the workspace's launcher: the file this test runs.
    expect(await realpath(join(REPO_ROOT, "node_modules", ".bin", "mcp-runtime"))).toBe(
      await realpath(BIN_PATH),
    );
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("builds with npm ci && npm run build", () => {
    expect(shellCommands(block(readme, "build").body, {})).toEqual([
      ["npm", "ci"],
      ["npm", "run", "build"],
    ]);
  });

  it("stdio: the one-shot call prints the echo", async () => {
    const [call] = shellCommands(block(readme, "stdio-call").body, {});
    expect(call).toBeDefined();
    const result = await mcpRuntime(call as string[], REPO_ROOT, userEnv());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("hi");
  });

  it("stdio: the Claude Desktop config starts a server the official SDK client calls echo on", async () => {
    const host = block(readme, "stdio-host");
    expect(host.lang).toBe("json");
    const config = JSON.parse(host.body) as {
      mcpServers: Record<string, { command: string; args: string[] }>;
    };
    const server = config.mcpServers["mcp-runtime"];
    expect(server?.command).toBe("node");
    const args = (server?.args ?? []).map((arg) => arg.replace("/path/to/mcp-runtime", resolve(REPO_ROOT)));
    expect(args[0]).toBe(BIN_PATH);
    let stderr = "";
    // A desktop host starts it from its own folder, not the clone.
    const transport = new StdioClientTransport({
      command: process.execPath,
      args,
      cwd: scratch,
      env: userEnv() as Record<string, string>,
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const client = new Client({ name: "readme-quickstart", version: "1.0.0" });
    try {
      await client.connect(transport);
      const result = await client.callTool({ name: "echo", arguments: { text: "hi" } });
      expect(firstText(result), stderr).toBe("hi");
    } finally {
      await client.close();
    }
  });

  describe("HTTP with a token", () => {
    let token: string;
    let server: ReadyProcess;
    let url: string;

    beforeAll(async () => {
      const [create] = shellCommands(block(readme, "token").body, {});
      const minted = await mcpRuntime(create as string[], scratch, userEnv());
      expect(minted.code, minted.stderr).toBe(0);
      const lines = minted.stdout.split("\n");
      token = lines.find((line) => /^mcpr_\S+$/.test(line.trim()))?.trim() ?? "";
      expect(token, minted.stdout).not.toBe("");
      const configLine = lines.find((line) => line.includes("sha256:"))?.trim() ?? "";
      expect(configLine, minted.stdout).toMatch(/^- \{ sha256: "[0-9a-f]{64}"/);

      const yaml = block(readme, "http-config");
      expect(yaml.lang).toBe("yaml");
      const placeholder = yaml.body.split("\n").find((line) => line.includes("sha256:")) ?? "";
      const indent = /^\s*/.exec(placeholder)?.[0] ?? "";
      const config = yaml.body.replace(placeholder, `${indent}${configLine}`);

      const [serve] = shellCommands(block(readme, "http-serve").body, {});
      const words = serve as string[];
      const file = words[words.indexOf("--config") + 1] ?? "";
      expect(readme, "the README names the file its serve command reads").toContain(`Write \`${file}\``);
      await writeFile(join(scratch, file), config);
      expect(words.slice(0, 2)).toEqual(["npx", "mcp-runtime"]);
      // Port 0 instead of the README's 8080, so the test never collides with a real server; the
      // config's absolute path, since the process starts in this test's folder, not the user's.
      const args = words.slice(2).map((word) => (word === file ? join(scratch, file) : word));
      server = await spawnReady(
        [BIN_PATH, ...args, "--port", "0"],
        /mcp-runtime listening on (http:\/\/\S+)/,
        "the README's serve command",
        userEnv(),
      );
      url = server.ready;
    }, 60_000);

    afterAll(async () => {
      server?.child.kill("SIGTERM");
      await server?.exited;
    });

    function callCommands(): string[][] {
      return shellCommands(block(readme, "http-call").body, { MCP_TOKEN: token }).map((words) =>
        words.map((word) => word.replace("http://127.0.0.1:8080/mcp", url)),
      );
    }

    it("the README's curl calls echo with the token", async () => {
      const curl = callCommands().find((words) => words[0] === "curl");
      const request = curlRequest(curl as string[]);
      expect(request.headers.Authorization).toBe(`Bearer ${token}`);
      const response = await fetch(request.url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
      });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      const message = JSON.parse(text) as { result?: unknown };
      expect(firstText(message.result)).toBe("hi");
    });

    it("the same curl without the token gets 401", async () => {
      const curl = callCommands().find((words) => words[0] === "curl");
      const { url: target, headers, body } = curlRequest(curl as string[]);
      const { Authorization: _dropped, ...anonymous } = headers;
      const response = await fetch(target, { method: "POST", headers: anonymous, body });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
    });

    it("the README's mcp-runtime call with MCP_TOKEN prints the echo", async () => {
      const commands = callCommands();
      const exported = commands.find((words) => words[0] === "export");
      expect(exported?.[1]?.startsWith("MCP_TOKEN=")).toBe(true);
      const call = commands.find((words) => words[1] === "mcp-runtime");
      const result = await mcpRuntime(call as string[], scratch, userEnv({ MCP_TOKEN: token }));
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("hi");
    });

    it("an MCP host (the official SDK client over Streamable HTTP) calls echo with the token", async () => {
      const transport = new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      });
      const client = new Client({ name: "readme-quickstart-http", version: "1.0.0" });
      try {
        await client.connect(transport);
        const result = await client.callTool({ name: "echo", arguments: { text: "hi" } });
        expect(firstText(result)).toBe("hi");
      } finally {
        await client.close();
      }
    });
  });
});
