/** @module Sampling, elicitation and the 2026-07-28 diagnostic tools send exactly the reference requests. */
import { PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import { beforeAll, describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { accepted, onlyText, recordingHost, sampled } from "./host.js";

let instance: PluginInstance;
beforeAll(async () => {
  instance = await PluginInstance.create(plugin);
});

describe("sampling and elicitation tools", () => {
  it("test_sampling sends the prompt as one user message and reports the model's text", async () => {
    const host = recordingHost({ unkeyed: sampled("This is a test response from the client") });
    const result = await instance.callTool("test_sampling", { prompt: "Test prompt for sampling" }, host.ctx);
    expect(host.asks).toEqual([
      {
        method: "sampling/createMessage",
        key: undefined,
        params: {
          messages: [{ role: "user", content: { type: "text", text: "Test prompt for sampling" } }],
          maxTokens: 100,
        },
      },
    ]);
    expect(onlyText(result)).toBe("LLM response: This is a test response from the client");
  });

  it("test_elicitation asks with the given message and reports action and content", async () => {
    const host = recordingHost({ unkeyed: accepted({ username: "testuser", email: "test@example.com" }) });
    const result = await instance.callTool(
      "test_elicitation",
      { message: "Please provide your information" },
      host.ctx,
    );
    expect(host.asks[0]?.params).toEqual({
      message: "Please provide your information",
      requestedSchema: {
        type: "object",
        properties: { response: { type: "string", description: "User's response" } },
        required: ["response"],
      },
    });
    expect(onlyText(result)).toBe(
      'User response: action=accept, content={"username":"testuser","email":"test@example.com"}',
    );
  });

  it("test_elicitation_sep1034_defaults asks with a default for every primitive type", async () => {
    const host = recordingHost({
      unkeyed: accepted({ name: "Jane Smith", age: 25, score: 88.0, status: "inactive", verified: false }),
    });
    const result = await instance.callTool("test_elicitation_sep1034_defaults", {}, host.ctx);
    expect(host.asks[0]?.params).toEqual({
      message: "Please review and update the form fields with defaults",
      requestedSchema: {
        type: "object",
        properties: {
          name: { type: "string", description: "User name", default: "John Doe" },
          age: { type: "integer", description: "User age", default: 30 },
          score: { type: "number", description: "User score", default: 95.5 },
          status: {
            type: "string",
            description: "User status",
            enum: ["active", "inactive", "pending"],
            default: "active",
          },
          verified: { type: "boolean", description: "Verification status", default: true },
        },
        required: [],
      },
    });
    expect(onlyText(result)).toBe(
      'Elicitation completed: action=accept, content={"name":"Jane Smith","age":25,"score":88,"status":"inactive","verified":false}',
    );
  });

  it("test_elicitation_sep1330_enums asks with the five enum shapes", async () => {
    const host = recordingHost({ unkeyed: { action: "decline" } });
    const result = await instance.callTool("test_elicitation_sep1330_enums", {}, host.ctx);
    expect(host.asks[0]?.params).toEqual({
      message: "Please select options from the enum fields",
      requestedSchema: {
        type: "object",
        properties: {
          untitledSingle: {
            type: "string",
            description: "Select one option",
            enum: ["option1", "option2", "option3"],
          },
          titledSingle: {
            type: "string",
            description: "Select one option with titles",
            oneOf: [
              { const: "value1", title: "First Option" },
              { const: "value2", title: "Second Option" },
              { const: "value3", title: "Third Option" },
            ],
          },
          legacyEnum: {
            type: "string",
            description: "Select one option (legacy)",
            enum: ["opt1", "opt2", "opt3"],
            enumNames: ["Option One", "Option Two", "Option Three"],
          },
          untitledMulti: {
            type: "array",
            description: "Select multiple options",
            minItems: 1,
            maxItems: 3,
            items: { type: "string", enum: ["option1", "option2", "option3"] },
          },
          titledMulti: {
            type: "array",
            description: "Select multiple options with titles",
            minItems: 1,
            maxItems: 3,
            items: {
              anyOf: [
                { const: "value1", title: "First Choice" },
                { const: "value2", title: "Second Choice" },
                { const: "value3", title: "Third Choice" },
              ],
            },
          },
        },
        required: [],
      },
    });
    expect(onlyText(result)).toBe("Elicitation completed: action=decline, content={}");
  });
});

describe("2026-07-28 diagnostic tools", () => {
  it("test_missing_capability answers Success without asking when sampling is declared", async () => {
    const host = recordingHost({ capabilities: { sampling: {} } });
    const result = await instance.callTool("test_missing_capability", {}, host.ctx);
    expect(onlyText(result)).toBe("Success");
    expect(host.asks).toEqual([]);
  });

  it("test_missing_capability asks for sampling when the client did not declare it", async () => {
    const host = recordingHost({ capabilities: {} });
    // The stand-in host rejects with a plain Error (the runtime rejects with -32021, which passes through).
    const result = await instance.callTool("test_missing_capability", {}, host.ctx);
    expect(host.asks.map((a) => [a.method, a.key])).toEqual([["sampling/createMessage", "capability_probe"]]);
    expect(result.isError).toBe(true);
  });

  it("test_streaming_elicitation reports progress and answers without asking anything", async () => {
    const host = recordingHost();
    const result = await instance.callTool("test_streaming_elicitation", {}, host.ctx);
    expect(host.progress).toEqual([{ progress: 50, total: 100, message: "Streaming" }]);
    expect(host.asks).toEqual([]);
    expect(onlyText(result)).toBe("Streaming complete");
  });

  it("test_logging_tool logs one info message and answers Logging evaluated", async () => {
    const host = recordingHost();
    const result = await instance.callTool("test_logging_tool", {}, host.ctx);
    expect(host.logs).toEqual([
      { level: "info", message: "Diagnostic trace logging activated", data: undefined },
    ]);
    expect(onlyText(result)).toBe("Logging evaluated");
  });

  it("the trigger tools announce a tools or prompts list change", async () => {
    const host = recordingHost();
    expect(onlyText(await instance.callTool("test_trigger_tool_change", {}, host.ctx))).toBe(
      "Mutation triggered",
    );
    expect(onlyText(await instance.callTool("test_trigger_prompt_change", {}, host.ctx))).toBe(
      "Mutation triggered",
    );
    expect(host.listChanged).toEqual(["tools", "prompts"]);
  });
});
