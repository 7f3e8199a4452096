/** @module Public entry of @mcp-runtime/plugin-postgres: read-only PostgreSQL tools and a table resource. */
import { definePlugin } from "@mcp-runtime/plugin-sdk";
import { postgresConfigSchema } from "./config.js";
import { tableTemplate } from "./table-template.js";
import { describeTableTool, listSchemasTool, listTablesTool } from "./tools/catalog.js";
import { queryTool } from "./tools/query.js";

export { PostgresPluginError, type PostgresPluginErrorCode } from "./errors.js";
export { closePools } from "./pool.js";
export { scanStatement } from "./sql-scan.js";

export default definePlugin({
  name: "postgres",
  version: "0.1.0",
  description: "Read-only PostgreSQL: list schemas and tables, describe tables, run queries with limits",
  config: postgresConfigSchema,
  tools: {
    list_schemas: listSchemasTool,
    list_tables: listTablesTool,
    describe_table: describeTableTool,
    query: queryTool,
  },
  resourceTemplates: { table: tableTemplate },
});
