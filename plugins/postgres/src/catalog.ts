/**
 * @module Catalogue queries (pg_catalog, not information_schema: it hides objects the role cannot
 * use and is slower): schemas, tables, and one table's columns, keys and indexes.
 */
import { assertSchemaAllowed, type PostgresSettings } from "./config.js";
import { PostgresPluginError } from "./errors.js";
import { withReadOnly } from "./pool.js";

const USER_SCHEMA = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";
const RELKINDS = `CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
  WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' END`;

export interface SchemaInfo {
  [key: string]: string;
  schema: string;
  owner: string;
}

export async function listSchemas(settings: PostgresSettings): Promise<SchemaInfo[]> {
  return withReadOnly(settings, async (client) => {
    const result = await client.query<SchemaInfo>({
      text: `SELECT n.nspname AS schema, pg_get_userbyid(n.nspowner) AS owner FROM pg_namespace n
        WHERE ${USER_SCHEMA} AND ($1::text[] IS NULL OR n.nspname = ANY($1)) ORDER BY 1`,
      values: [settings.schemas ?? null],
    });
    return result.rows;
  });
}

export interface TableInfo {
  [key: string]: string | null;
  schema: string;
  name: string;
  kind: string;
  comment: string | null;
}

export async function listTables(settings: PostgresSettings, schema?: string): Promise<TableInfo[]> {
  if (schema !== undefined) assertSchemaAllowed(settings, schema);
  return withReadOnly(settings, async (client) => {
    const result = await client.query<TableInfo>({
      text: `SELECT n.nspname AS schema, c.relname AS name, ${RELKINDS} AS kind,
          obj_description(c.oid, 'pg_class') AS comment
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMA}
          AND ($1::text IS NULL OR n.nspname = $1) AND ($2::text[] IS NULL OR n.nspname = ANY($2))
        ORDER BY 1, 2`,
      values: [schema ?? null, settings.schemas ?? null],
    });
    return result.rows;
  });
}

export interface TableDescription {
  [key: string]: unknown;
  schema: string;
  table: string;
  kind: string;
  comment: string | null;
  columns: {
    name: string;
    type: string;
    nullable: boolean;
    default: string | null;
    comment: string | null;
  }[];
  primaryKey: string[];
  indexes: { name: string; definition: string; unique: boolean; primary: boolean }[];
  foreignKeys: { name: string; definition: string }[];
}

/** The table's description, or undefined when no such table (or view) exists. */
export async function describeTable(
  settings: PostgresSettings,
  schema: string,
  table: string,
): Promise<TableDescription | undefined> {
  assertSchemaAllowed(settings, schema);
  return withReadOnly(settings, async (client) => {
    const found = await client.query<{ oid: number | string; kind: string; comment: string | null }>({
      text: `SELECT c.oid AS oid, ${RELKINDS} AS kind, obj_description(c.oid, 'pg_class') AS comment
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
      values: [schema, table],
    });
    const relation = found.rows[0];
    if (relation === undefined) return undefined;
    const oid = relation.oid;
    const columns = await client.query<TableDescription["columns"][number]>({
      text: `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
          pg_get_expr(d.adbin, d.adrelid) AS default, col_description(a.attrelid, a.attnum) AS comment
        FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      values: [oid],
    });
    const primaryKey = await client.query<{ name: string }>({
      text: `SELECT a.attname AS name FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
      values: [oid],
    });
    const indexes = await client.query<TableDescription["indexes"][number]>({
      text: `SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition,
          i.indisunique AS unique, i.indisprimary AS primary
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = $1::oid ORDER BY 1`,
      values: [oid],
    });
    const foreignKeys = await client.query<TableDescription["foreignKeys"][number]>({
      text: `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE conrelid = $1::oid AND contype = 'f' ORDER BY 1`,
      values: [oid],
    });
    return {
      schema,
      table,
      kind: relation.kind,
      comment: relation.comment,
      columns: columns.rows,
      primaryKey: primaryKey.rows.map((r) => r.name),
      indexes: indexes.rows,
      foreignKeys: foreignKeys.rows,
    };
  });
}

export function notFound(schema: string, table: string): PostgresPluginError {
  return new PostgresPluginError("ERR_NOT_FOUND", `no table or view "${schema}"."${table}"`);
}
