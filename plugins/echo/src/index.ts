/** @module Public entry of @mcp-runtime/plugin-echo: the `echo` tool and prompt. */
import { definePlugin } from "@mcp-runtime/plugin-sdk";
import { z } from "zod";

// Compiled once at import: the schema is the only per-call work besides the handler.
const echoInput = z.object({ text: z.string() });

export default definePlugin({
  name: "echo",
  version: "0.1.0",
  description: "Echoes text back: the smallest useful plugin and the runtime's benchmark target",
  tools: {
    echo: {
      description: "Echo the given text back",
      input: echoInput,
      annotations: { readOnlyHint: true, idempotentHint: true },
      // The benchmark's hot path: returning the string lets the host build the one text block
      // without an extra allocation here.
      handler: ({ text }) => text,
    },
  },
  prompts: {
    echo: {
      description: "A user message containing the given text",
      arguments: { text: { description: "The text to send back as a user message", required: true } },
      get: ({ text }) => text ?? "",
    },
  },
});
