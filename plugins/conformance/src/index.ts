/**
 * @module Public entry of @mcp-runtime/plugin-conformance: every fixture the official MCP conformance
 * suite calls (tools, resources, the template and prompts), for the 2025 session era and 2026-07-28.
 */
import { definePlugin } from "@mcp-runtime/plugin-sdk";
import { contentTools } from "./content.js";
import { diagnosticTools } from "./diagnostics.js";
import { inputRequiredTools } from "./input-required.js";
import { interactiveTools } from "./interactive.js";
import { prompts } from "./prompts.js";
import { resources, resourceTemplates } from "./resources.js";
import { taskTools } from "./tasks.js";

export default definePlugin({
  name: "conformance",
  version: "0.1.0",
  description:
    "Fixtures of the MCP conformance suite's reference server, for running the suite against mcp-runtime",
  tools: { ...contentTools, ...interactiveTools, ...diagnosticTools, ...inputRequiredTools, ...taskTools },
  resources,
  resourceTemplates,
  prompts,
});
