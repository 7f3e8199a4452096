/**
 * @module Acceptance: the official SDK 1.x client (2025-era: initialize, then a stateful session)
 * drives the runtime over stdio through every feature the echo, fs and conformance plugins offer.
 */
import { pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  type CreateMessageRequest,
  CreateMessageRequestSchema,
  type ElicitRequest,
  ElicitRequestSchema,
  type LoggingMessageNotification,
  LoggingMessageNotificationSchema,
  type Progress,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFixture, type Fixture, HELLO_TEXT } from "./support/fixture.js";
import { assertBuilt, serveArgs } from "./support/paths.js";
import { recordWire, requestsIn, type Wire } from "./support/wire-recorder.js";

const SAMPLED_TEXT = "This is a test response from the client";

describe("SDK 1.x client over stdio (2025-11-25)", () => {
  let fixture: Fixture;
  let client: Client;
  let wire: Wire;
  let stderr = "";
  const logs: LoggingMessageNotification["params"][] = [];
  const samplingRequests: CreateMessageRequest["params"][] = [];
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
      { name: "sdk-v1-acceptance", version: "1.0.0" },
      { capabilities: { sampling: {}, elicitation: {} } },
    );
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      logs.push(notification.params);
    });
    client.setRequestHandler(CreateMessageRequestSchema, (request) => {
      samplingRequests.push(request.params);
      return {
        role: "assistant",
        content: { type: "text", text: SAMPLED_TEXT },
        model: "test-model",
        stopReason: "endTurn",
      };
    });
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      elicitRequests.push(request.params);
      return { action: "accept", content: { response: "testuser" } };
    });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await fixture?.remove();
  });

  beforeEach(() => {
    logs.length = 0;
  });

  it("negotiates 2025-11-25 with initialize", () => {
    const [first] = requestsIn(wire.sent);
    expect(first?.method).toBe("initialize");
    expect(first?.params?.protocolVersion).toBe("2025-11-25");
    const initialized = wire.received.find((m) => m.id === first?.id);
    expect(initialized?.result?.protocolVersion).toBe("2025-11-25");
    expect(initialized?.result?.serverInfo).toMatchObject({ name: "mcp-runtime-acceptance" });
    expect(client.getServerCapabilities()).toMatchObject({
      tools: {},
      resources: {},
      prompts: {},
      logging: {},
      completions: {},
    });
  });

  it("lists the echo tool with its input schema and calls it", async () => {
    const { tools } = await client.listTools();
    const echo = tools.find((tool) => tool.name === "echo");
    expect(echo?.inputSchema).toMatchObject({
      type: "object",
      properties: { text: { type: "string" } },
      required: ["text"],
    });
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(["list_directory", "read_file", "search_files", "stat"]));
    expect(names).toEqual(expect.arrayContaining(["test_tool_with_progress", "test_sampling"]));

    const result = await client.callTool({ name: "echo", arguments: { text: "hello from SDK 1.x" } });
    expect(result).toEqual({ content: [{ type: "text", text: "hello from SDK 1.x" }] });
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
    const echo = await client.getPrompt({ name: "echo", arguments: { text: "prompt text from SDK 1.x" } });
    expect(echo.messages).toEqual([
      { role: "user", content: { type: "text", text: "prompt text from SDK 1.x" } },
    ]);

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
    const result = await client.callTool({ name: "test_tool_with_progress", arguments: {} }, undefined, {
      onprogress: (update) => progress.push(update),
    });

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

  it("receives log notifications at and above the level set with logging/setLevel", async () => {
    await client.setLoggingLevel("debug");
    const result = await client.callTool({ name: "test_tool_with_logging", arguments: {} });
    expect(result.content).toEqual([{ type: "text", text: "Tool with logging executed successfully" }]);
    expect(logs.map((log) => [log.level, log.data])).toEqual([
      ["info", "Tool execution started"],
      ["info", "Tool processing data"],
      ["info", "Tool execution completed"],
    ]);

    logs.length = 0;
    await client.setLoggingLevel("error");
    await client.callTool({ name: "test_tool_with_logging", arguments: {} });
    expect(logs).toEqual([]);
  });

  it("round-trips a sampling request to the client", async () => {
    const result = await client.callTool({
      name: "test_sampling",
      arguments: { prompt: "Test prompt for sampling" },
    });
    expect(samplingRequests).toHaveLength(1);
    expect(samplingRequests[0]).toMatchObject({
      messages: [{ role: "user", content: { type: "text", text: "Test prompt for sampling" } }],
      maxTokens: 100,
    });
    expect(result.content).toEqual([{ type: "text", text: `LLM response: ${SAMPLED_TEXT}` }]);
  });

  it("round-trips an elicitation request to the client", async () => {
    const result = await client.callTool({
      name: "test_elicitation",
      arguments: { message: "Please provide your information" },
    });
    expect(elicitRequests).toHaveLength(1);
    expect(elicitRequests[0]).toMatchObject({ message: "Please provide your information" });
    expect(result.isError).not.toBe(true);
    expect(result.content).toEqual([
      { type: "text", text: 'User response: action=accept, content={"response":"testuser"}' },
    ]);
  });

  it("stayed in the 2025 era throughout: no 2026 envelope sent, no resultType received", () => {
    const requests = requestsIn(wire.sent);
    expect(requests.length).toBeGreaterThan(8);
    expect(requests.filter((m) => m.method === "initialize")).toHaveLength(1);
    for (const request of requests) {
      expect(request.params?._meta ?? {}).not.toHaveProperty(["io.modelcontextprotocol/protocolVersion"]);
    }
    for (const message of wire.received) expect(message.result ?? {}).not.toHaveProperty("resultType");
  });

  it("kept stderr free of errors", () => {
    expect(stderr).not.toMatch(/"level":"error"/);
  });
});
