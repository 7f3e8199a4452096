/**
 * @module Acceptance: the MCP Inspector CLI (a third-party client built on SDK 1.x) lists tools and
 * calls echo over stdio, printing the JSON results it got.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, type Fixture } from "./support/fixture.js";
import { assertBuilt, CLI_PATH, INSPECTOR_CLI, RUNTIME_DIR } from "./support/paths.js";

const run = promisify(execFile);

// Inspector CLI 1.0.3 reads "../package.json" relative to its working directory to name itself,
// so it must run where the parent directory is a package: apps/runtime/test (parent apps/runtime).
const INSPECTOR_CWD = `${RUNTIME_DIR}/test`;

/**
 * Runs the inspector against the runtime. Everything after "--" goes to the server untouched;
 * before it, the inspector would take `--config` and `--transport` as its own options. The
 * inspector still parses `--method` and friends out of the tail, and keeps the rest for the server.
 */
async function inspect(configPath: string, ...method: string[]): Promise<unknown> {
  const { stdout } = await run(
    INSPECTOR_CLI,
    [
      "--cli",
      "--",
      process.execPath,
      CLI_PATH,
      "serve",
      "--transport",
      "stdio",
      "--config",
      configPath,
      ...method,
    ],
    { cwd: INSPECTOR_CWD, timeout: 20_000 },
  );
  return JSON.parse(stdout);
}

describe("MCP Inspector CLI over stdio", () => {
  let fixture: Fixture;

  beforeAll(async () => {
    assertBuilt();
    fixture = await createFixture();
  });

  afterAll(async () => {
    await fixture?.remove();
  });

  it("lists the tools, echo among them with its schema", async () => {
    const listed = (await inspect(fixture.configPath, "--method", "tools/list")) as {
      tools: { name: string; inputSchema: unknown }[];
    };
    expect(listed.tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["echo", "read_file", "test_simple_text"]),
    );
    expect(listed.tools.find((tool) => tool.name === "echo")?.inputSchema).toMatchObject({
      type: "object",
      properties: { text: { type: "string" } },
      required: ["text"],
    });
  });

  it("calls echo with a tool argument", async () => {
    const result = await inspect(
      fixture.configPath,
      "--method",
      "tools/call",
      "--tool-name",
      "echo",
      "--tool-arg",
      "text=hi",
    );
    expect(result).toEqual({ content: [{ type: "text", text: "hi" }] });
  });

  it("runs the default config over stdio as docs/clients.md says: -e MCP_TRANSPORT=stdio, no --transport", async () => {
    // The inspector strips "--transport stdio" from the server's arguments even after "--" (the
    // default config serves HTTP, so the server would never answer): the environment says it.
    const { stdout } = await run(
      INSPECTOR_CLI,
      ["--cli", "-e", "MCP_TRANSPORT=stdio", process.execPath, CLI_PATH, "serve"].concat([
        "--method",
        "tools/call",
        "--tool-name",
        "echo",
        "--tool-arg",
        "text=from the docs",
      ]),
      { cwd: INSPECTOR_CWD, timeout: 20_000 },
    );
    expect(JSON.parse(stdout)).toEqual({ content: [{ type: "text", text: "from the docs" }] });
  });
});
