/**
 * @module Acceptance: the v2 client (`@modelcontextprotocol/client`) negotiates 2026-07-28 over stdio
 * (server/discover, no initialize; every request carries the `_meta` envelope) and uses every
 * feature, including an `input_required` round trip answered by its elicitation handler.
 */
import { pathToFileURL } from "node:url";
import {
  Client,
  type ElicitRequest,
  type LoggingMessageNotification,
  type Progress,
} from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, type Fixture, HELLO_TEXT } from "./support/fixture.js";
import { assertBuilt, serveArgs } from "./support/paths.js";
import { recordWire, requestsIn, type Wire } from "./support/wire-recorder.js";

const MODERN = "2026-07-28";
const PROTOCOL_VERSION_KEY = "io.modelcontextprotocol/protocolVersion";
const LOG_LEVEL_KEY = "io.modelcontextprotocol/logLevel";

describe("v2 client over stdio (2026-07-28)", () => {
  let fixture: Fixture;
  let client: Client;
  let wire: Wire;
  let stderr = "";
  const logs: LoggingMessageNotification["params"][] = [];
  const elicitRequests: ElicitRequest["params"][] = [];

  beforeAll(async () => {
    assertBuilt();
    fixture = await createFixture();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: serveArgs(fixture.configPath),
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    wire = recordWire(transport);
    client = new Client(
      { name: "sdk-v2-acceptance", version: "2.0.0" },
      { capabilities: { elicitation: {} }, versionNegotiation: { mode: "auto" } },
    );
    client.setNotificationHandler("notifications/message", (notification) => {
      logs.push(notification.params);
    });
    client.setRequestHandler("elicitation/create", (request) => {
      elicitRequests.push(request.params);
      return { action: "accept", content: { name: "Alice" } };
    });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await fixture?.remove();
  });

  it("negotiates the modern era through server/discover", () => {
    expect(client.getProtocolEra()).toBe("modern");
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    expect(client.getDiscoverResult()?.supportedVersions).toContain(MODERN);
  });

  it("lists and calls echo", async () => {
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === "echo")?.inputSchema).toMatchObject({
      type: "object",
      properties: { text: { type: "string" } },
      required: ["text"],
    });
    const result = await client.callTool({ name: "echo", arguments: { text: "hello from v2" } });
    expect(result.content).toEqual([{ type: "text", text: "hello from v2" }]);
    expect(result.isError).not.toBe(true);
  });

  it("lists the fs resource template and reads a file through it", async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain("file://{+path}");
    const uri = pathToFileURL(fixture.helloPath).href;
    const { contents } = await client.readResource({ uri });
    expect(contents).toHaveLength(1);
    expect(contents[0]).toMatchObject({ uri, text: HELLO_TEXT });
  });

  it("gets prompts: echo's text, and summarize_file with the file embedded", async () => {
    const echo = await client.getPrompt({ name: "echo", arguments: { text: "prompt text from v2" } });
    expect(echo.messages).toEqual([{ role: "user", content: { type: "text", text: "prompt text from v2" } }]);

    const summarize = await client.getPrompt({
      name: "summarize_file",
      arguments: { path: fixture.helloPath },
    });
    expect(summarize.messages).toEqual([
      {
        role: "user",
        content: {
          type: "resource",
          resource: { uri: pathToFileURL(fixture.helloPath).href, mimeType: "text/plain", text: HELLO_TEXT },
        },
      },
      { role: "user", content: { type: "text", text: "Summarize this file." } },
    ]);
  });

  it("completes a prompt argument and a resource template variable", async () => {
    const prompt = await client.complete({
      ref: { type: "ref/prompt", name: "test_prompt_with_arguments" },
      argument: { name: "arg1", value: "te" },
    });
    expect(prompt.completion.values).toEqual(["test", "testValue1", "testing"]);

    const path = await client.complete({
      ref: { type: "ref/resource", uri: "file://{+path}" },
      argument: { name: "path", value: `${fixture.root}/` },
    });
    expect(path.completion.values).toEqual([fixture.helloPath, `${fixture.root}/notes/`]);
  });

  it("receives progress notifications 0, 50, 100 of 100, all before the result", async () => {
    const progress: Progress[] = [];
    const from = wire.received.length;
    const result = await client.callTool(
      { name: "test_tool_with_progress", arguments: {} },
      { onprogress: (update) => progress.push(update) },
    );

    // On the wire: three notifications echoing the call's token, in order, then the result.
    const call = requestsIn(wire.sent).findLast((m) => m.method === "tools/call");
    const token = (call?.params?._meta as { progressToken?: unknown } | undefined)?.progressToken;
    expect(token).toBeDefined();
    // As the reference server does, the tool answers with the token it reported progress on.
    expect(result.content).toEqual([{ type: "text", text: String(token) }]);
    const arrived = wire.received.slice(from);
    expect(arrived.map((m) => m.method ?? `result ${String(m.id)}`)).toEqual([
      "notifications/progress",
      "notifications/progress",
      "notifications/progress",
      `result ${String(call?.id)}`,
    ]);
    expect(arrived.slice(0, 3).map((m) => m.params)).toEqual(
      [0, 50, 100].map((step) => ({
        progressToken: token,
        progress: step,
        total: 100,
        message: `Completed step ${step} of 100`,
      })),
    );
    // What onprogress saw. The SDK dispatches notifications a microtask late but settles responses
    // at once, so a final update that lands in the same read as the result is dropped client-side
    // ("unknown token"). The stdio transport writes notifications in their own write ahead of the
    // result, which makes that rare, but a loaded machine can still merge the two reads.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.map((p) => p.progress)).toEqual([0, 50, 100].slice(0, progress.length));
  });

  it("sends log notifications only when the request carries a logLevel", async () => {
    logs.length = 0;
    await client.callTool({ name: "test_tool_with_logging", arguments: {} });
    expect(logs).toEqual([]);

    const result = await client.callTool({
      name: "test_tool_with_logging",
      arguments: {},
      _meta: { [LOG_LEVEL_KEY]: "debug" },
    });
    expect(result.content).toEqual([{ type: "text", text: "Tool with logging executed successfully" }]);
    expect(logs.map((log) => [log.level, log.data])).toEqual([
      ["info", "Tool execution started"],
      ["info", "Tool processing data"],
      ["info", "Tool execution completed"],
    ]);
  });

  it("answers an input_required result through the elicitation handler and retries", async () => {
    const from = wire.received.length;
    const result = await client.callTool({ name: "test_input_required_result_elicitation", arguments: {} });
    expect(result.content).toEqual([{ type: "text", text: "Hello, Alice!" }]);
    expect(elicitRequests).toHaveLength(1);

    // On the wire: round 1 is an input_required result keyed user_name, round 2 a retry with the answer.
    const asked = wire.received.slice(from).find((m) => m.result?.resultType === "input_required");
    expect(asked?.result?.inputRequests).toMatchObject({ user_name: { method: "elicitation/create" } });
    const retry = requestsIn(wire.sent).findLast((m) => m.method === "tools/call");
    expect(retry?.params?.inputResponses).toEqual({
      user_name: { action: "accept", content: { name: "Alice" } },
    });
  });

  it("spoke 2026-07-28 on every request: no initialize, the envelope on each", () => {
    const requests = requestsIn(wire.sent);
    expect(requests.length).toBeGreaterThan(8);
    expect(requests.map((m) => m.method)).not.toContain("initialize");
    for (const request of requests) {
      const meta = request.params?._meta as Record<string, unknown> | undefined;
      expect(meta?.[PROTOCOL_VERSION_KEY], request.method).toBe(MODERN);
    }
    // Modern results say what they are; a 2025-era server would not add resultType.
    const results = wire.received.filter((m) => m.result !== undefined);
    expect(results.length).toBe(requests.length);
    for (const message of results) expect(message.result?.resultType).toMatch(/^(complete|input_required)$/);
  });

  it("kept stderr free of errors", () => {
    expect(stderr).not.toMatch(/"level":"error"/);
  });
});
