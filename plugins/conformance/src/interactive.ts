/**
 * @module Tools that talk back to the client while they run: logs, progress, sampling and elicitation
 * (tools-call-with-logging/-progress/-sampling/-elicitation, elicitation-sep1034/sep1330). In legacy
 * sessions the host sends real requests; at 2026-07-28 the same calls become `input_required` rounds.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { STEP_DELAY_MS, samplingText, userTextSampling } from "./assets.js";
import { tool } from "./tool.js";

/** SEP-1034: every primitive type with a default; the suite compares each property exactly. */
export const SEP1034_SCHEMA = {
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
};

/** SEP-1330: the five enum shapes (untitled/titled single, legacy enumNames, untitled/titled multi). */
export const SEP1330_SCHEMA = {
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
};

const LOG_STEPS = ["Tool execution started", "Tool processing data", "Tool execution completed"] as const;
const PROGRESS_STEPS = [0, 50, 100] as const;
const PROGRESS_TOTAL = 100;

function describeElicitation(prefix: string, result: { action: string; content?: unknown }): string {
  return `${prefix}: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
}

export const interactiveTools = {
  test_tool_with_logging: tool({
    description: "Tests tool that emits log messages during execution",
    handler: async (_input, ctx) => {
      for (const [index, message] of LOG_STEPS.entries()) {
        if (index > 0) await sleep(STEP_DELAY_MS, undefined, { signal: ctx.signal });
        // No `data` argument: the host then sends the bare message string as `data`, as the reference does.
        ctx.log.info(message);
      }
      return "Tool with logging executed successfully";
    },
  }),
  test_tool_with_progress: tool({
    description: "Tests tool that reports progress notifications",
    handler: async (_input, ctx) => {
      for (const [index, step] of PROGRESS_STEPS.entries()) {
        if (index > 0) await sleep(STEP_DELAY_MS, undefined, { signal: ctx.signal });
        ctx.progress(step, PROGRESS_TOTAL, `Completed step ${step} of ${PROGRESS_TOTAL}`);
      }
      // As the reference server: echo the token, so a client can see which request progressed.
      return String(ctx.progressToken);
    },
  }),
  test_sampling: tool({
    description: "Tests server-initiated sampling (LLM completion request)",
    input: z.object({ prompt: z.string().describe("The prompt to send to the client's model") }),
    handler: async ({ prompt }, ctx) => {
      const result = await ctx.sample(userTextSampling(prompt, 100));
      return `LLM response: ${samplingText(result.content) ?? "(no text content)"}`;
    },
  }),
  test_elicitation: tool({
    description: "Tests server-initiated elicitation (user input request)",
    input: z.object({ message: z.string().describe("The message to show the user") }),
    handler: async ({ message }, ctx) => {
      const result = await ctx.elicit({
        message,
        requestedSchema: {
          type: "object",
          properties: { response: { type: "string", description: "User's response" } },
          required: ["response"],
        },
      });
      return describeElicitation("User response", result);
    },
  }),
  test_elicitation_sep1034_defaults: tool({
    description: "Tests elicitation with default values per SEP-1034",
    handler: async (_input, ctx) => {
      const result = await ctx.elicit({
        message: "Please review and update the form fields with defaults",
        requestedSchema: SEP1034_SCHEMA,
      });
      return describeElicitation("Elicitation completed", result);
    },
  }),
  test_elicitation_sep1330_enums: tool({
    description: "Tests elicitation with enum schema improvements per SEP-1330",
    handler: async (_input, ctx) => {
      const result = await ctx.elicit({
        message: "Please select options from the enum fields",
        requestedSchema: SEP1330_SCHEMA,
      });
      return describeElicitation("Elicitation completed", result);
    },
  }),
};
