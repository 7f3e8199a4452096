/**
 * @module Acceptance: the MCP Inspector CLI (a third-party client) over Streamable HTTP against the
 * real CLI: lists tools, calls echo, reads a resource and gets a prompt.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, type Fixture } from "./support/fixture.js";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt, INSPECTOR_CLI, RUNTIME_DIR } from "./support/paths.js";

const run = promisify(execFile);
// See inspector-cli.test.ts: the inspector needs a package.json in its working directory's parent.
const INSPECTOR_CWD = `${RUNTIME_DIR}/test`;

describe("MCP Inspector CLI over Streamable HTTP", () => {
  let fixture: Fixture;
  let runtime: HttpRuntime;

  async function inspect(...args: string[]): Promise<unknown> {
    const { stdout } = await run(INSPECTOR_CLI, ["--cli", runtime.url, "--transport", "http", ...args], {
      cwd: INSPECTOR_CWD,
      timeout: 20_000,
    });
    return JSON.parse(stdout);
  }

  beforeAll(async () => {
    assertBuilt();
    fixture = await createFixture();
    runtime = await startHttpRuntime({
      plugins: [
        { package: "@mcp-runtime/plugin-echo" },
        { package: "@mcp-runtime/plugin-fs", config: { root: fixture.root } },
        { package: "@mcp-runtime/plugin-conformance" },
      ],
    });
  });

  afterAll(async () => {
    await runtime?.stop();
    await fixture?.remove();
  });

  it("lists tools and calls echo", async () => {
    const listed = (await inspect("--method", "tools/list")) as { tools: { name: string }[] };
    expect(listed.tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(["echo", "read_file", "test_simple_text"]),
    );
    expect(
      await inspect("--method", "tools/call", "--tool-name", "echo", "--tool-arg", "text=over http"),
    ).toEqual({
      content: [{ type: "text", text: "over http" }],
    });
  });

  it("reads a resource and gets a prompt", async () => {
    const read = (await inspect("--method", "resources/read", "--uri", "test://static-text")) as {
      contents: { uri: string; text: string }[];
    };
    expect(read.contents).toEqual([
      {
        uri: "test://static-text",
        mimeType: "text/plain",
        text: "This is the content of the static text resource.",
      },
    ]);
    const prompt = (await inspect(
      "--method",
      "prompts/get",
      "--prompt-name",
      "test_prompt_with_arguments",
      "--prompt-args",
      "arg1=a",
      "arg2=b",
    )) as { messages: { content: { text: string } }[] };
    expect(prompt.messages[0]?.content.text).toBe("Prompt with arguments: arg1='a', arg2='b'");
  });
});
