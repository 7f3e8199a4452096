/**
 * @module 2026-07-28 diagnostic tools of server-stateless (SEP-2575): capability errors, notifications
 * on the response stream, log gating and list-change triggers. They work in legacy sessions too.
 */
import { userTextSampling } from "./assets.js";
import { tool } from "./tool.js";

export const diagnosticTools = {
  test_missing_capability: tool({
    description: "Test tool requiring sampling",
    handler: async (_input, ctx) => {
      // The reference answers "Success" without sampling when the capability is declared. Without
      // it we do ask, so the runtime produces the canonical refusal: -32021 (HTTP 400) with
      // `data.requiredCapabilities: {sampling: {}}` at 2026-07-28, -32600 in legacy sessions.
      if (ctx.clientCapabilities.sampling === undefined) {
        await ctx.sample(userTextSampling("Capability probe", 1), { key: "capability_probe" });
      }
      return "Success";
    },
  }),
  test_streaming_elicitation: tool({
    description: "Diagnostic tool validating response progress streams",
    // Only notifications may precede the result on a stateless response stream (the suite turns any
    // server request there into a failure), so this reports progress and answers, asking nothing.
    handler: (_input, ctx) => {
      ctx.progress(50, 100, "Streaming");
      return "Streaming complete";
    },
  }),
  test_logging_tool: tool({
    description: "Diagnostic logging validator tool",
    // The host drops the log unless the request set `_meta["io.modelcontextprotocol/logLevel"]`
    // (sep-2575-server-no-log-without-loglevel), so the tool logs unconditionally.
    handler: (_input, ctx) => {
      ctx.log.info("Diagnostic trace logging activated");
      return "Logging evaluated";
    },
  }),
  test_trigger_tool_change: tool({
    description: "Announces a tools list change to listen streams (sends notifications/tools/list_changed)",
    handler: (_input, ctx) => {
      ctx.notify.listChanged("tools");
      return "Mutation triggered";
    },
  }),
  test_trigger_prompt_change: tool({
    description:
      "Announces a prompts list change to listen streams (sends notifications/prompts/list_changed)",
    handler: (_input, ctx) => {
      ctx.notify.listChanged("prompts");
      return "Mutation triggered";
    },
  }),
};
