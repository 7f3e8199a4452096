/** @module Fixed-result tools, logging and progress produce exactly the reference output. */
import { PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_AUDIO_BASE64, TEST_IMAGE_BASE64 } from "../src/assets.js";
import plugin from "../src/index.js";
import { onlyText, recordingHost } from "./host.js";

let instance: PluginInstance;
beforeAll(async () => {
  instance = await PluginInstance.create(plugin);
});

describe("content tools", () => {
  it("test_simple_text returns the reference sentence", async () => {
    expect(await instance.callTool("test_simple_text", {}, recordingHost().ctx)).toEqual({
      content: [{ type: "text", text: "This is a simple text response for testing." }],
    });
  });

  it("test_image_content returns the PNG as image/png", async () => {
    expect(await instance.callTool("test_image_content", {}, recordingHost().ctx)).toEqual({
      content: [{ type: "image", data: TEST_IMAGE_BASE64, mimeType: "image/png" }],
    });
  });

  it("test_audio_content returns the WAV as audio/wav", async () => {
    expect(await instance.callTool("test_audio_content", {}, recordingHost().ctx)).toEqual({
      content: [{ type: "audio", data: TEST_AUDIO_BASE64, mimeType: "audio/wav" }],
    });
  });

  it("test_embedded_resource embeds a text/plain resource", async () => {
    expect(await instance.callTool("test_embedded_resource", {}, recordingHost().ctx)).toEqual({
      content: [
        {
          type: "resource",
          resource: {
            uri: "test://embedded-resource",
            mimeType: "text/plain",
            text: "This is an embedded resource content.",
          },
        },
      ],
    });
  });

  it("test_multiple_content_types returns text, image and resource in that order", async () => {
    expect(await instance.callTool("test_multiple_content_types", {}, recordingHost().ctx)).toEqual({
      content: [
        { type: "text", text: "Multiple content types test:" },
        { type: "image", data: TEST_IMAGE_BASE64, mimeType: "image/png" },
        {
          type: "resource",
          resource: {
            uri: "test://mixed-content-resource",
            mimeType: "application/json",
            text: '{"test":"data","value":123}',
          },
        },
      ],
    });
  });

  it("test_error_handling yields an isError result carrying the message", async () => {
    expect(await instance.callTool("test_error_handling", {}, recordingHost().ctx)).toEqual({
      content: [{ type: "text", text: "This tool intentionally returns an error for testing" }],
      isError: true,
    });
  });

  it("json_schema_2020_12_tool echoes its arguments as JSON", async () => {
    const input = { name: "Ada", contactMethod: "email", email: "ada@example.com" };
    expect(instance.validateToolInput("json_schema_2020_12_tool", input).ok).toBe(true);
    // if/then/else: contactMethod "phone" requires phone.
    expect(
      instance.validateToolInput("json_schema_2020_12_tool", { contactMethod: "phone", email: "x" }).ok,
    ).toBe(false);
    const result = await instance.callTool("json_schema_2020_12_tool", input, recordingHost().ctx);
    expect(onlyText(result)).toBe(`JSON Schema 2020-12 tool called with: ${JSON.stringify(input)}`);
  });

  it("test_reconnection answers with the reference text", async () => {
    const result = await instance.callTool("test_reconnection", {}, recordingHost().ctx);
    expect(onlyText(result)).toBe(
      "Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.",
    );
  });
});

describe("logging and progress", () => {
  it("test_tool_with_logging sends three info logs, spaced out, without data", async () => {
    const host = recordingHost({ protocolVersion: "2025-11-25" });
    const started = performance.now();
    const result = await instance.callTool("test_tool_with_logging", {}, host.ctx);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(host.logs).toEqual([
      { level: "info", message: "Tool execution started", data: undefined },
      { level: "info", message: "Tool processing data", data: undefined },
      { level: "info", message: "Tool execution completed", data: undefined },
    ]);
    expect(onlyText(result)).toBe("Tool with logging executed successfully");
  });

  it("test_tool_with_progress reports 0, 50 and 100 of 100 with step messages", async () => {
    const host = recordingHost({ progressToken: "progress-test-1" });
    const result = await instance.callTool("test_tool_with_progress", {}, host.ctx);
    expect(host.progress).toEqual([
      { progress: 0, total: 100, message: "Completed step 0 of 100" },
      { progress: 50, total: 100, message: "Completed step 50 of 100" },
      { progress: 100, total: 100, message: "Completed step 100 of 100" },
    ]);
    expect(onlyText(result)).toBe("progress-test-1");
  });
});
