/** @module Tools with fixed results (tools-call-* content scenarios, json-schema-2020-12, sse-polling). */
import { setTimeout as sleep } from "node:timers/promises";
import { TEST_AUDIO_BASE64, TEST_IMAGE_BASE64 } from "./assets.js";
import { tool } from "./tool.js";

/** SEP-1613 fixture, kept as raw JSON Schema: the suite checks that `$defs`, `$anchor`, `if/then/else` survive. */
const JSON_SCHEMA_2020_12_INPUT = {
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
};

export const contentTools = {
  test_simple_text: tool({
    description: "Tests simple text content response",
    handler: () => "This is a simple text response for testing.",
  }),
  test_image_content: tool({
    description: "Tests image content response",
    handler: () => [{ type: "image", data: TEST_IMAGE_BASE64, mimeType: "image/png" }],
  }),
  test_audio_content: tool({
    description: "Tests audio content response",
    handler: () => [{ type: "audio", data: TEST_AUDIO_BASE64, mimeType: "audio/wav" }],
  }),
  test_embedded_resource: tool({
    description: "Tests embedded resource content response",
    handler: () => [
      {
        type: "resource",
        resource: {
          uri: "test://embedded-resource",
          mimeType: "text/plain",
          text: "This is an embedded resource content.",
        },
      },
    ],
  }),
  test_multiple_content_types: tool({
    description: "Tests response with multiple content types (text, image, resource)",
    handler: () => [
      { type: "text", text: "Multiple content types test:" },
      { type: "image", data: TEST_IMAGE_BASE64, mimeType: "image/png" },
      {
        type: "resource",
        resource: {
          uri: "test://mixed-content-resource",
          mimeType: "application/json",
          text: JSON.stringify({ test: "data", value: 123 }),
        },
      },
    ],
  }),
  test_error_handling: tool({
    description: "Tests error response handling",
    // The host turns a thrown Error into `isError: true` with the message as text (tools-call-error).
    handler: () => {
      throw new Error("This tool intentionally returns an error for testing");
    },
  }),
  test_custom_headers: tool({
    description: "Tests custom Mcp-Param-* request headers mirrored from arguments (SEP-2243)",
    input: {
      type: "object",
      properties: {
        region: {
          type: "string",
          "x-mcp-header": "Region",
          description: "Sent as the Mcp-Param-Region header",
        },
        priority: { type: "integer", "x-mcp-header": "Priority" },
        verbose: { type: "boolean", "x-mcp-header": "Verbose" },
      },
      required: ["region"],
    },
    handler: (input) => `Custom headers received: ${JSON.stringify(input)}`,
  }),
  json_schema_2020_12_tool: tool({
    description: "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
    input: JSON_SCHEMA_2020_12_INPUT,
    handler: (input) => `JSON Schema 2020-12 tool called with: ${JSON.stringify(input)}`,
  }),
  test_reconnection: tool({
    description: "Tests SSE stream reconnection: answers after a short delay (SEP-1699 polling)",
    // Closing the stream and replaying events is the transport's job; the tool only has to outlive
    // a reconnect, so it waits briefly and answers with the reference text.
    handler: async (_input, ctx) => {
      await sleep(100, undefined, { signal: ctx.signal });
      return "Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.";
    },
  }),
};
