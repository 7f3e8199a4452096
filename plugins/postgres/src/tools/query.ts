/** @module Tool `query`: one read-only SQL statement with parameters, a row cap and the statement timeout. */
import type { CallToolResult, ToolDefinition } from "@mcp-runtime/plugin-sdk";
import { z } from "zod";
import { HARD_MAX_ROWS, settingsFor } from "../config.js";
import { runQuery } from "../query.js";
import { textTable } from "../rows.js";

const input = z.object({
  sql: z.string().min(1).describe("One SQL statement; use $1, $2 ... for parameters"),
  params: z.array(z.unknown()).optional().describe("Values for $1, $2 ... in order"),
  maxRows: z
    .int()
    .positive()
    .max(HARD_MAX_ROWS)
    .optional()
    .describe("Return at most this many rows (capped by the operator's maxRows)"),
});

export const queryTool: ToolDefinition<typeof input> = {
  title: "Run a read-only SQL query",
  description:
    "Run one SQL statement in a READ ONLY transaction that is always rolled back, with a statement " +
    "timeout and a row limit. Writes, DDL and more than one statement are refused. Returns columns, " +
    "rows (arrays in column order), rowCount and truncated.",
  input,
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
  async handler(args, ctx): Promise<CallToolResult> {
    const settings = settingsFor(ctx.config);
    const maxRows = Math.min(args.maxRows ?? settings.maxRows, settings.maxRows);
    const outcome = await runQuery(settings, args.sql, args.params ?? [], maxRows);
    const text = textTable(
      outcome.columns.map((c) => c.name),
      outcome.rows,
      outcome.truncated,
    );
    return { content: [{ type: "text", text }], structuredContent: outcome };
  },
};
