/** @module Resource template `postgres://{schema}/{table}`: a table's description as JSON. */
import type { ResourceTemplateDefinition } from "@mcp-runtime/plugin-sdk";
import { describeTable, listSchemas, listTables } from "./catalog.js";
import { settingsFor } from "./config.js";
import { PostgresPluginError } from "./errors.js";

export const tableTemplate: ResourceTemplateDefinition = {
  uriTemplate: "postgres://{schema}/{table}",
  name: "table",
  title: "PostgreSQL table",
  description: "Columns, primary key, indexes and foreign keys of a table, as JSON",
  mimeType: "application/json",
  async read(_uri, variables, ctx) {
    const { schema, table } = variables;
    if (typeof schema !== "string" || typeof table !== "string") return undefined;
    try {
      const description = await describeTable(settingsFor(ctx.config), schema, table);
      return description === undefined ? undefined : JSON.stringify(description, null, 2);
    } catch (cause) {
      // A schema outside the allow-list reads as "not found", so a client cannot probe for it.
      if (cause instanceof PostgresPluginError && cause.code === "ERR_SCHEMA_NOT_ALLOWED") return undefined;
      throw cause;
    }
  },
  complete: {
    async schema(value, { config }) {
      const schemas = await listSchemas(settingsFor(config));
      return schemas.map((s) => s.schema).filter((name) => name.startsWith(value));
    },
    async table(value, { arguments: args, config }) {
      const settings = settingsFor(config);
      if (args.schema !== undefined && settings.schemas && !settings.schemas.includes(args.schema)) return [];
      const tables = await listTables(settings, args.schema);
      return tables.map((t) => t.name).filter((name) => name.startsWith(value));
    },
  },
};
