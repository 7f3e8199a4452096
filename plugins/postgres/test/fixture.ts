/**
 * @module Test fixture: the real PostgreSQL at 127.0.0.1:5432 (PGHOST/PGPORT override), a schema
 * `t_<random>` per test file with tables and rows, dropped afterwards; and a plugin instance.
 */
import { randomBytes } from "node:crypto";
import type { CallToolResult } from "@mcp-runtime/plugin-sdk";
import { createTestCallContext, type HostCallContext, PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import { Client } from "pg";
import plugin, { closePools } from "../src/index.js";

export const PG = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  database: process.env.PGDATABASE ?? "test",
};

export async function adminClient(): Promise<Client> {
  const client = new Client({ ...PG, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (cause) {
    throw new Error(
      `PostgreSQL not reachable at ${PG.host}:${PG.port}: start it (pg_ctlcluster 15 main start) or set PGHOST/PGPORT (${String(cause)})`,
    );
  }
  return client;
}

export interface Database {
  readonly schema: string;
  readonly admin: Client;
  instance(config?: Record<string, unknown>): Promise<PluginInstance>;
  dispose(): Promise<void>;
}

export async function createDatabase(): Promise<Database> {
  const admin = await adminClient();
  const schema = `t_${randomBytes(6).toString("hex")}`;
  await admin.query(`
    CREATE SCHEMA ${schema};
    CREATE TABLE ${schema}.authors (
      id serial PRIMARY KEY,
      name text NOT NULL,
      email text UNIQUE,
      born date,
      active boolean NOT NULL DEFAULT true
    );
    COMMENT ON TABLE ${schema}.authors IS 'people who write';
    CREATE TABLE ${schema}.books (
      id int NOT NULL,
      edition int NOT NULL DEFAULT 1,
      author_id int REFERENCES ${schema}.authors (id),
      title varchar(200) NOT NULL,
      price numeric(8,2),
      cover bytea,
      PRIMARY KEY (id, edition)
    );
    CREATE INDEX books_title_idx ON ${schema}.books (title);
    CREATE VIEW ${schema}.active_authors AS SELECT id, name FROM ${schema}.authors WHERE active;
    INSERT INTO ${schema}.authors (name, email, born, active) VALUES
      ('Ada', 'ada@example.com', '1815-12-10', true),
      ('Brian', NULL, NULL, false),
      ('Chen', 'chen@example.com', '1990-01-02', true);
    INSERT INTO ${schema}.books (id, author_id, title, price, cover)
      SELECT g, 1 + g % 3, 'Book ' || lpad(g::text, 2, '0'), g * 1.5, CASE WHEN g = 1 THEN '\\xdeadbeef'::bytea END
      FROM generate_series(1, 25) AS g;
  `);
  return {
    schema,
    admin,
    instance: (config = {}) => PluginInstance.create(plugin, { config: { ...PG, ...config } }),
    async dispose() {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
      await closePools();
    },
  };
}

export function hostContext(): HostCallContext {
  return createTestCallContext();
}

export async function call(
  instance: PluginInstance,
  tool: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  const checked = instance.validateToolInput(tool, args);
  if (!checked.ok) throw new Error(checked.message);
  return instance.callTool(tool, checked.value, hostContext());
}

export function textOf(result: CallToolResult): string {
  const [block] = result.content;
  if (block === undefined || block.type !== "text" || result.content.length !== 1)
    throw new Error(`expected one text block, got ${JSON.stringify(result.content)}`);
  return block.text;
}
