/** @module Tools `list_schemas`, `list_tables` and `describe_table` over the PostgreSQL catalogue. */
import type { ToolDefinition } from "@mcp-runtime/plugin-sdk";
import { z } from "zod";
import { describeTable, listSchemas, listTables, notFound } from "../catalog.js";
import { settingsFor } from "../config.js";

const READ_ONLY = { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false };

export const listSchemasTool: ToolDefinition<undefined> = {
  title: "List schemas",
  description:
    "List the database's schemas (PostgreSQL's own excluded; limited to the configured allow-list)",
  annotations: READ_ONLY,
  async handler(_args, ctx) {
    return { structuredContent: { schemas: await listSchemas(settingsFor(ctx.config)) } };
  },
};

const listTablesInput = z.object({
  schema: z.string().min(1).optional().describe("Only this schema; all allowed schemas when omitted"),
});

export const listTablesTool: ToolDefinition<typeof listTablesInput> = {
  title: "List tables",
  description: "List tables, views, materialized views and foreign tables, with their kind and comment",
  input: listTablesInput,
  annotations: READ_ONLY,
  async handler(args, ctx) {
    return { structuredContent: { tables: await listTables(settingsFor(ctx.config), args.schema) } };
  },
};

const describeInput = z.object({
  schema: z.string().min(1),
  table: z.string().min(1),
});

export const describeTableTool: ToolDefinition<typeof describeInput> = {
  title: "Describe table",
  description:
    "Columns (type, nullability, default), primary key, indexes and foreign keys of one table or view",
  input: describeInput,
  annotations: READ_ONLY,
  async handler(args, ctx) {
    const description = await describeTable(settingsFor(ctx.config), args.schema, args.table);
    if (description === undefined) throw notFound(args.schema, args.table);
    return { structuredContent: description };
  },
};
