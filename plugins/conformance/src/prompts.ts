/** @module Prompts (prompts-get-*, completion-complete, input-required-result-non-tool-request). */
import type { PromptDefinition } from "@mcp-runtime/plugin-sdk";
import { acceptedField, singleFieldSchema, TEST_IMAGE_BASE64 } from "./assets.js";

/** Completions for arg1; completion-complete sends "test" and accepts any array, even empty. */
const ARG1_VALUES = ["test", "testValue1", "testing", "example"] as const;

export const prompts: Record<string, PromptDefinition> = {
  test_simple_prompt: {
    title: "Simple Test Prompt",
    description: "A simple prompt without arguments",
    get: () => "This is a simple prompt for testing.",
  },
  test_prompt_with_arguments: {
    title: "Prompt With Arguments",
    description: "A prompt with required arguments",
    arguments: {
      arg1: { description: "First test argument", required: true },
      arg2: { description: "Second test argument", required: true },
    },
    get: ({ arg1, arg2 }) => `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`,
    complete: { arg1: (value) => ARG1_VALUES.filter((v) => v.startsWith(value)) },
  },
  test_prompt_with_embedded_resource: {
    title: "Prompt With Embedded Resource",
    description: "A prompt that includes an embedded resource",
    arguments: { resourceUri: { description: "URI of the resource to embed", required: true } },
    get: ({ resourceUri = "" }) => [
      {
        role: "user",
        content: {
          type: "resource",
          resource: {
            uri: resourceUri,
            mimeType: "text/plain",
            text: "Embedded resource content for testing.",
          },
        },
      },
      { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
    ],
  },
  test_prompt_with_image: {
    title: "Prompt With Image",
    description: "A prompt that includes image content",
    get: () => [
      { role: "user", content: { type: "image", data: TEST_IMAGE_BASE64, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Please analyze the image above." } },
    ],
  },
  test_input_required_result_prompt: {
    description: "MRTR: prompt that requires elicitation input",
    // SEP-2322 on prompts/get: the retry carries no requestState, only inputResponses.user_context.
    get: async (_args, ctx) => {
      const answer = await ctx.elicit(
        { message: "What context should the prompt use?", requestedSchema: singleFieldSchema("context") },
        { key: "user_context" },
      );
      const context = acceptedField(answer, "context");
      return `Prompt with context: ${typeof context === "string" ? context : "none"}`;
    },
  },
};
