/** @module Resources, the template, prompts and completions return the reference contents. */
import { PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_IMAGE_BASE64 } from "../src/assets.js";
import plugin from "../src/index.js";
import { accepted, recordingHost } from "./host.js";

let instance: PluginInstance;
beforeAll(async () => {
  instance = await PluginInstance.create(plugin);
});

describe("resources", () => {
  it("reads test://static-text as text/plain", async () => {
    expect(await instance.readResource("test://static-text", recordingHost().ctx)).toEqual({
      contents: [
        {
          uri: "test://static-text",
          mimeType: "text/plain",
          text: "This is the content of the static text resource.",
        },
      ],
    });
  });

  it("reads test://static-binary as a base64 PNG blob", async () => {
    expect(await instance.readResource("test://static-binary", recordingHost().ctx)).toEqual({
      contents: [{ uri: "test://static-binary", mimeType: "image/png", blob: TEST_IMAGE_BASE64 }],
    });
  });

  it("reads test://watched-resource", async () => {
    expect(await instance.readResource("test://watched-resource", recordingHost().ctx)).toEqual({
      contents: [
        { uri: "test://watched-resource", mimeType: "text/plain", text: "Watched resource content" },
      ],
    });
  });

  it("knows no other URI, so the runtime can answer resource-not-found", async () => {
    expect(
      await instance.readResource("test://nonexistent-resource-for-conformance-testing", recordingHost().ctx),
    ).toBeUndefined();
  });

  it("reads the template with the requested id as JSON", async () => {
    const uri = "test://template/123/data";
    expect(await instance.readTemplate("template", uri, { id: "123" }, recordingHost().ctx)).toEqual({
      contents: [
        {
          uri,
          mimeType: "application/json",
          text: '{"id":"123","templateTest":true,"data":"Data for ID: 123"}',
        },
      ],
    });
  });

  it("completes the template id by prefix", async () => {
    expect(await instance.complete({ kind: "template", key: "template" }, "id", "4", {})).toEqual({
      values: ["456"],
      total: 1,
      hasMore: false,
    });
  });
});

describe("prompts", () => {
  it("test_simple_prompt is one user text message", async () => {
    expect(await instance.getPrompt("test_simple_prompt", {}, recordingHost().ctx)).toEqual({
      description: "A simple prompt without arguments",
      messages: [{ role: "user", content: { type: "text", text: "This is a simple prompt for testing." } }],
    });
  });

  it("test_prompt_with_arguments quotes both arguments", async () => {
    const result = await instance.getPrompt(
      "test_prompt_with_arguments",
      { arg1: "testValue1", arg2: "testValue2" },
      recordingHost().ctx,
    );
    expect(result.messages).toEqual([
      {
        role: "user",
        content: { type: "text", text: "Prompt with arguments: arg1='testValue1', arg2='testValue2'" },
      },
    ]);
  });

  it("completes arg1 of test_prompt_with_arguments by prefix", async () => {
    const ref = { kind: "prompt", name: "test_prompt_with_arguments" } as const;
    expect((await instance.complete(ref, "arg1", "test", {})).values).toEqual([
      "test",
      "testValue1",
      "testing",
    ]);
    expect((await instance.complete(ref, "arg1", "zzz", {})).values).toEqual([]);
    expect((await instance.complete(ref, "arg2", "", {})).values).toEqual([]);
  });

  it("test_prompt_with_embedded_resource embeds the requested URI, then asks to process it", async () => {
    const result = await instance.getPrompt(
      "test_prompt_with_embedded_resource",
      { resourceUri: "test://example-resource" },
      recordingHost().ctx,
    );
    expect(result.messages).toEqual([
      {
        role: "user",
        content: {
          type: "resource",
          resource: {
            uri: "test://example-resource",
            mimeType: "text/plain",
            text: "Embedded resource content for testing.",
          },
        },
      },
      { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
    ]);
  });

  it("test_prompt_with_image is an image followed by an instruction", async () => {
    const result = await instance.getPrompt("test_prompt_with_image", {}, recordingHost().ctx);
    expect(result.messages).toEqual([
      { role: "user", content: { type: "image", data: TEST_IMAGE_BASE64, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Please analyze the image above." } },
    ]);
  });

  it("test_input_required_result_prompt asks user_context, then uses the answer", async () => {
    const first = recordingHost();
    await expect(instance.getPrompt("test_input_required_result_prompt", {}, first.ctx)).rejects.toThrow(
      "unanswered: user_context",
    );
    expect(first.asks).toEqual([
      {
        method: "elicitation/create",
        key: "user_context",
        params: {
          message: "What context should the prompt use?",
          requestedSchema: {
            type: "object",
            properties: { context: { type: "string" } },
            required: ["context"],
          },
        },
      },
    ]);
    const answered = recordingHost({ answers: { user_context: accepted({ context: "test context" }) } });
    const result = await instance.getPrompt("test_input_required_result_prompt", {}, answered.ctx);
    expect(result.messages).toEqual([
      { role: "user", content: { type: "text", text: "Prompt with context: test context" } },
    ]);
  });
});
