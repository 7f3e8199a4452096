/**
 * @module Acceptance for `mcp-runtime dev`: a real `mcp-runtime dev` process serving HTTP on port
 * 0 reloads a local plugin when its files change (the next call runs the new code, its manifest is
 * read anew) without restarting: same process, same MCP session, other plugins untouched. Its log
 * is the readable `HH:MM:SS level msg key=value` form, and the config file is watched too.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, CLI_PATH, REPO_ROOT } from "./support/paths.js";
import { type ReadyProcess, spawnReady } from "./support/ready-process.js";

const PLUGIN_ENTRY = `import { definePlugin } from "@mcp-runtime/plugin-sdk";
import { description, reply } from "./answer.mjs";

export default definePlugin({
  name: "hello",
  tools: {
    hello: {
      description,
      input: { type: "object", properties: {} },
      annotations: { readOnlyHint: true },
      handler: () => reply(),
    },
  },
});
`;

function answer(version: string): string {
  return `export const description = "Says ${version}";\nexport const reply = () => "${version}";\n`;
}

/** Waits for `pattern` in what stderr gets from now on. */
async function waitFor(
  stderr: () => string,
  pattern: RegExp,
  what: string,
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const from = stderr().length;
  for (;;) {
    const found = pattern.exec(stderr().slice(from));
    if (found) return found[0];
    if (Date.now() > deadline) throw new Error(`no ${what} in ${timeoutMs} ms; stderr:\n${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function textOf(result: Awaited<ReturnType<Client["callTool"]>>): string | undefined {
  const [first] = result.content as { type: string; text?: string }[];
  return first?.text;
}

describe("mcp-runtime dev", () => {
  let dir: string;
  let configPath: string;
  let dev: ReadyProcess;
  let client: Client;
  let transport: StreamableHTTPClientTransport;

  beforeAll(async () => {
    assertBuilt();
    dir = await mkdtemp(join(tmpdir(), "mcp-dev-watch-"));
    await symlink(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    const plugin = join(dir, "hello");
    await mkdir(plugin);
    await writeFile(
      join(plugin, "package.json"),
      JSON.stringify({ name: "dev-hello", version: "0.0.0", type: "module", main: "index.mjs" }),
    );
    await writeFile(join(plugin, "index.mjs"), PLUGIN_ENTRY);
    await writeFile(join(plugin, "answer.mjs"), answer("v1"));
    configPath = join(dir, "mcp-runtime.yaml");
    await writeFile(
      configPath,
      'plugins:\n  - { path: ./hello }\n  - { package: "@mcp-runtime/plugin-echo" }\n',
    );
    // Plain lines to match on: the outer vitest sets FORCE_COLOR for its workers.
    const { FORCE_COLOR: _colour, ...inherited } = process.env;
    const env = { ...inherited, NO_COLOR: "1" };
    dev = await spawnReady(
      [CLI_PATH, "dev", "--config", configPath, "--transport", "http", "--port", "0"],
      /listening on (http:\/\/\S+\/mcp)/,
      "mcp-runtime dev",
      env,
    );
    // The watchers start once the port is open; their log lines say they are in place.
    for (let waited = 0; !/watching plugin plugin=echo/.test(dev.stderr()); waited += 50) {
      if (waited > 15_000) throw new Error(`mcp-runtime dev never said it was watching:\n${dev.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    transport = new StreamableHTTPClientTransport(new URL(dev.ready));
    client = new Client({ name: "dev-watch-test", version: "1.0.0" });
    await client.connect(transport);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    dev?.child.kill("SIGTERM");
    await dev?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it("reloads a changed plugin in place: new code on the next call, same process and session", async () => {
    const pid = dev.child.pid;
    const session = transport.sessionId;
    expect(session).toBeDefined();
    expect(textOf(await client.callTool({ name: "hello", arguments: {} }))).toBe("v1");
    // Watched where it lives; the workspace echo plugin is watched in its build output.
    expect(dev.stderr()).toMatch(/^\d\d:\d\d:\d\d info {2}watching plugin plugin=hello dir=\S*hello$/m);
    expect(dev.stderr()).toMatch(/watching plugin plugin=echo dir=\S*plugins\/echo\/dist note=/);

    // Only the module the entry imports changes: the reload must not use the cached one.
    const reloaded = waitFor(
      dev.stderr,
      /^\d\d:\d\d:\d\d info {2}plugin reloaded plugin=hello .*ms=\d+$/m,
      "reload line",
    );
    await writeFile(join(dir, "hello", "answer.mjs"), answer("v2"));
    const line = await reloaded;
    expect(line).toContain("changed=");

    expect(textOf(await client.callTool({ name: "hello", arguments: {} }))).toBe("v2");
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === "hello")?.description).toBe("Says v2");
    // The other plugin kept serving, through the same process and session.
    expect(textOf(await client.callTool({ name: "echo", arguments: { text: "still here" } }))).toBe(
      "still here",
    );
    expect(dev.child.pid).toBe(pid);
    expect(dev.child.exitCode).toBeNull();
    expect(transport.sessionId).toBe(session);
    expect(dev.stderr().match(/listening on/g)).toHaveLength(1);
    // One line per reload: the runtime's own reload and load lines are folded into it.
    expect(dev.stderr().match(/plugin loaded plugin=hello/g)).toHaveLength(1);
    expect(dev.stderr()).not.toContain("config reloaded source=file");
  }, 60_000);

  it("keeps the previous code serving when the changed plugin fails to load, and says why", async () => {
    const failed = waitFor(
      dev.stderr,
      /error plugin reload failed, the previous code keeps serving plugin=hello/,
      "failure line",
    );
    await writeFile(join(dir, "hello", "answer.mjs"), "export const reply = (;\n");
    await failed;
    expect(textOf(await client.callTool({ name: "hello", arguments: {} }))).toBe("v2");
    const reloaded = waitFor(dev.stderr, /plugin reloaded plugin=hello /, "reload line");
    await writeFile(join(dir, "hello", "answer.mjs"), answer("v3"));
    await reloaded;
    expect(textOf(await client.callTool({ name: "hello", arguments: {} }))).toBe("v3");
  }, 60_000);

  it("applies a changed config file without a restart", async () => {
    const reloaded = waitFor(
      dev.stderr,
      /config reloaded config=\S+ changes=plugins\S* ms=\d+/,
      "config reload line",
    );
    await writeFile(configPath, "plugins:\n  - { path: ./hello }\n");
    await reloaded;
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(["hello"]);
    expect(textOf(await client.callTool({ name: "hello", arguments: {} }))).toBe("v3");
  }, 60_000);
});
