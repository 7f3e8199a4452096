/**
 * @module Runs the caller's one SQL statement read-only with a row cap. Queries (SELECT, WITH,
 * VALUES, TABLE) are wrapped as `SELECT * FROM (...) LIMIT n+1`, so the server stops after one row
 * more than asked (that row only tells "truncated"); other statements run as written. The extended
 * protocol is forced, which refuses a second statement even if the lexical check were fooled.
 */
import type { QueryArrayConfig } from "pg";
import type { PostgresSettings } from "./config.js";
import { PostgresPluginError } from "./errors.js";
import { withReadOnly } from "./pool.js";
import { toJsonValue } from "./rows.js";
import { scanStatement } from "./sql-scan.js";

const WRAPPED = new Set(["SELECT", "WITH", "VALUES", "TABLE"]);
const WRAP_PREFIX = "SELECT * FROM (\n";

export interface QueryOutcome {
  [key: string]: unknown;
  columns: { name: string; type: string }[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
}

/** pg's option to use the extended protocol even without parameters (not in @types/pg). */
type ExtendedQuery = QueryArrayConfig & { queryMode: "extended" };

export async function runQuery(
  settings: PostgresSettings,
  sql: string,
  params: readonly unknown[],
  maxRows: number,
): Promise<QueryOutcome> {
  const { text, keyword } = scanStatement(sql);
  if (keyword === "")
    throw new PostgresPluginError("ERR_STATEMENT_REFUSED", "the SQL text holds no statement");
  // COPY TO a file or program is not a write to the database, so READ ONLY would allow it.
  if (keyword === "COPY")
    throw new PostgresPluginError("ERR_STATEMENT_REFUSED", "COPY is refused: use SELECT to read data");
  const wrap = WRAPPED.has(keyword);
  // The newline before ")" ends a trailing "--" comment in the caller's text.
  const statement = wrap ? `${WRAP_PREFIX}${text}\n) AS mcp_query LIMIT ${maxRows + 1}` : text;
  return withReadOnly(
    settings,
    async (client) => {
      const config: ExtendedQuery = {
        text: statement,
        values: [...params],
        rowMode: "array",
        queryMode: "extended",
      };
      const result = await client.query(config);
      const typeNames = new Map<number, string>();
      const oids = [...new Set(result.fields.map((f) => f.dataTypeID))];
      if (oids.length > 0) {
        const types = await client.query<{ oid: number; name: string }>({
          text: "SELECT oid::int AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])",
          values: [oids],
        });
        for (const t of types.rows) typeNames.set(t.oid, t.name);
      }
      const all = result.rows ?? [];
      const rows = all.slice(0, maxRows).map((row) => row.map(toJsonValue));
      return {
        columns: result.fields.map((f) => ({
          name: f.name,
          type: typeNames.get(f.dataTypeID) ?? String(f.dataTypeID),
        })),
        rows,
        rowCount: rows.length,
        truncated: all.length > maxRows,
      };
    },
    wrap ? WRAP_PREFIX.length : 0,
  );
}
