/** @module {{package}}: an mcp-runtime plugin with one tool, `{{tool}}`. */
import { definePlugin } from "@mcp-runtime/plugin-sdk";
import { z } from "zod";

/** The tool's name, as clients call it (a constant so formatters leave the key below alone). */
const TOOL = "{{tool}}";

// Built once at import; the runtime checks every call's input against it before the handler runs.
const greetInput = z.object({
  name: z.string().min(1).describe("Who to greet"),
});

export default definePlugin({
  name: "{{name}}",
  version: "0.1.0",
  description: "{{description}}",
  tools: {
    [TOOL]: {
      description: "Greet someone by name",
      input: greetInput,
      // Hints for clients: this tool only reads, gives the same answer for the same input, and
      // reaches nothing outside the plugin.
      annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
      // A returned string becomes one text content; a thrown error becomes an isError result.
      handler: async ({ name }) => `Hello, ${name}!`,
    },
  },
});
