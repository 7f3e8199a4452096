/** @module The manifest lists every fixture the conformance suite calls, with descriptions and valid names. */
import { PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";

const TOOLS = [
  "confirm_delete",
  "failing_job",
  "greet",
  "json_schema_2020_12_tool",
  "multi_input",
  "protocol_error_job",
  "slow_compute",
  "slow_send",
  "test_audio_content",
  "test_custom_headers",
  "test_elicitation",
  "test_elicitation_sep1034_defaults",
  "test_elicitation_sep1330_enums",
  "test_embedded_resource",
  "test_error_handling",
  "test_image_content",
  "test_input_required_result_capabilities",
  "test_input_required_result_elicitation",
  "test_input_required_result_list_roots",
  "test_input_required_result_multi_round",
  "test_input_required_result_multiple_inputs",
  "test_input_required_result_request_state",
  "test_input_required_result_sampling",
  "test_input_required_result_tampered_state",
  "test_logging_tool",
  "test_missing_capability",
  "test_multiple_content_types",
  "test_reconnection",
  "test_sampling",
  "test_simple_text",
  "test_streaming_elicitation",
  "test_tool_with_logging",
  "test_tool_with_progress",
  "test_tool_with_task",
  "test_trigger_prompt_change",
  "test_trigger_tool_change",
];

const PROMPTS = [
  "test_input_required_result_prompt",
  "test_prompt_with_arguments",
  "test_prompt_with_embedded_resource",
  "test_prompt_with_image",
  "test_simple_prompt",
];

describe("conformance plugin manifest", () => {
  it("lists exactly the suite's tools, each with a non-empty description and an object input schema", async () => {
    const { manifest } = await PluginInstance.create(plugin);
    expect(manifest.tools.map((t) => t.name).sort()).toEqual(TOOLS);
    for (const tool of manifest.tools) {
      // tools-name-format (conformance 0.2) is stricter than the spec's 128 characters.
      expect(tool.name).toMatch(/^[A-Za-z0-9_./-]{1,64}$/);
      expect(tool.description?.trim(), tool.name).toBeTruthy();
      expect(tool.inputSchema.type, tool.name).toBe("object");
    }
  });

  it("uses the reference descriptions for the scored tools", async () => {
    const { manifest } = await PluginInstance.create(plugin);
    const description = (name: string) => manifest.tools.find((t) => t.name === name)?.description;
    expect(description("test_simple_text")).toBe("Tests simple text content response");
    expect(description("test_multiple_content_types")).toBe(
      "Tests response with multiple content types (text, image, resource)",
    );
    expect(description("test_tool_with_progress")).toBe("Tests tool that reports progress notifications");
    expect(description("json_schema_2020_12_tool")).toBe(
      "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
    );
  });

  it("publishes the JSON Schema 2020-12 fixture unchanged", async () => {
    const { manifest } = await PluginInstance.create(plugin);
    const schema = manifest.tools.find((t) => t.name === "json_schema_2020_12_tool")?.inputSchema;
    expect(schema).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      $defs: {
        address: {
          $anchor: "addressDef",
          type: "object",
          properties: { street: { type: "string" }, city: { type: "string" } },
        },
      },
      properties: {
        name: { type: "string" },
        address: { $ref: "#/$defs/address" },
        contactMethod: { type: "string", enum: ["phone", "email"] },
        phone: { type: "string" },
        email: { type: "string" },
      },
      allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
      if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword; an object, so never a thenable
      then: { required: ["phone"] },
      else: { required: ["email"] },
      additionalProperties: false,
    });
  });

  it("requires the prompt argument of test_sampling and the message of test_elicitation", async () => {
    const instance = await PluginInstance.create(plugin);
    expect(instance.validateToolInput("test_sampling", {}).ok).toBe(false);
    expect(instance.validateToolInput("test_sampling", { prompt: "p" })).toEqual({
      ok: true,
      value: { prompt: "p" },
    });
    expect(instance.validateToolInput("test_elicitation", { message: 1 }).ok).toBe(false);
    expect(instance.validateToolInput("test_simple_text", {}).ok).toBe(true);
  });

  it("lists the three resources and the template with their reference metadata", async () => {
    const { manifest } = await PluginInstance.create(plugin);
    expect(manifest.resources).toEqual([
      {
        uri: "test://static-text",
        name: "static-text",
        title: "Static Text Resource",
        description: "A static text resource for testing",
        mimeType: "text/plain",
      },
      {
        uri: "test://static-binary",
        name: "static-binary",
        title: "Static Binary Resource",
        description: "A static binary resource (image) for testing",
        mimeType: "image/png",
      },
      {
        uri: "test://watched-resource",
        name: "watched-resource",
        title: "Watched Resource",
        description: "A resource clients can subscribe to (resources-subscribe, resources-unsubscribe)",
        mimeType: "text/plain",
      },
    ]);
    expect(manifest.resourceTemplates).toEqual([
      {
        key: "template",
        name: "template",
        uriTemplate: "test://template/{id}/data",
        title: "Resource Template",
        description: "A resource template with parameter substitution",
        mimeType: "application/json",
        completable: ["id"],
      },
    ]);
  });

  it("lists every prompt with a non-empty description and the required arguments", async () => {
    const { manifest } = await PluginInstance.create(plugin);
    expect(manifest.prompts.map((p) => p.name).sort()).toEqual(PROMPTS);
    for (const prompt of manifest.prompts) expect(prompt.description?.trim(), prompt.name).toBeTruthy();
    const byName = (name: string) => manifest.prompts.find((p) => p.name === name);
    expect(byName("test_prompt_with_arguments")).toMatchObject({
      arguments: [
        { name: "arg1", description: "First test argument", required: true },
        { name: "arg2", description: "Second test argument", required: true },
      ],
      completable: ["arg1"],
    });
    expect(byName("test_prompt_with_embedded_resource")?.arguments).toEqual([
      { name: "resourceUri", description: "URI of the resource to embed", required: true },
    ]);
  });
});
