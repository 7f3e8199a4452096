/** @module list_schemas, list_tables, describe_table and the postgres://{schema}/{table} resource against real PostgreSQL. */
import type { PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createDatabase, type Database, hostContext, textOf } from "./fixture.js";

let db: Database;
let instance: PluginInstance;

beforeAll(async () => {
  db = await createDatabase();
  instance = await db.instance();
});
afterAll(async () => {
  await db?.dispose();
});

describe("catalogue tools", () => {
  it("lists the test schema and no PostgreSQL-internal schema", async () => {
    const result = await call(instance, "list_schemas");
    const schemas = ((result.structuredContent?.schemas ?? []) as { schema: string; owner: string }[]).map(
      (s) => s.schema,
    );
    expect(schemas).toContain(db.schema);
    expect(schemas).toContain("public");
    expect(schemas.filter((s) => s.startsWith("pg_") || s === "information_schema")).toEqual([]);
  });

  it("lists only the allow-listed schemas when `schemas` is configured", async () => {
    const limited = await db.instance({ schemas: [db.schema] });
    const result = await call(limited, "list_schemas");
    expect(result.structuredContent).toEqual({ schemas: [{ schema: db.schema, owner: "postgres" }] });
    const refused = await call(limited, "list_tables", { schema: "public" });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toBe('schema "public" is not in this plugin\'s schemas allow-list');
  });

  it("lists tables and views of one schema with their kind and comment", async () => {
    const result = await call(instance, "list_tables", { schema: db.schema });
    expect(result.structuredContent).toEqual({
      tables: [
        { schema: db.schema, name: "active_authors", kind: "view", comment: null },
        { schema: db.schema, name: "authors", kind: "table", comment: "people who write" },
        { schema: db.schema, name: "books", kind: "table", comment: null },
      ],
    });
  });

  it("describes columns, types, nullability, defaults, primary key, indexes and foreign keys", async () => {
    const result = await call(instance, "describe_table", { schema: db.schema, table: "books" });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual({
      schema: db.schema,
      table: "books",
      kind: "table",
      comment: null,
      columns: [
        { name: "id", type: "integer", nullable: false, default: null, comment: null },
        { name: "edition", type: "integer", nullable: false, default: "1", comment: null },
        { name: "author_id", type: "integer", nullable: true, default: null, comment: null },
        { name: "title", type: "character varying(200)", nullable: false, default: null, comment: null },
        { name: "price", type: "numeric(8,2)", nullable: true, default: null, comment: null },
        { name: "cover", type: "bytea", nullable: true, default: null, comment: null },
      ],
      primaryKey: ["id", "edition"],
      indexes: [
        {
          name: "books_pkey",
          definition: `CREATE UNIQUE INDEX books_pkey ON ${db.schema}.books USING btree (id, edition)`,
          unique: true,
          primary: true,
        },
        {
          name: "books_title_idx",
          definition: `CREATE INDEX books_title_idx ON ${db.schema}.books USING btree (title)`,
          unique: false,
          primary: false,
        },
      ],
      foreignKeys: [
        {
          name: "books_author_id_fkey",
          definition: `FOREIGN KEY (author_id) REFERENCES ${db.schema}.authors(id)`,
        },
      ],
    });
  });

  it("reports a serial default and a table comment", async () => {
    const result = await call(instance, "describe_table", { schema: db.schema, table: "authors" });
    const description = result.structuredContent as {
      comment: string;
      columns: { name: string; default: string }[];
    };
    expect(description.comment).toBe("people who write");
    expect(description.columns[0]).toMatchObject({
      name: "id",
      default: `nextval('${db.schema}.authors_id_seq'::regclass)`,
    });
  });

  it("answers a missing table with a clear isError", async () => {
    const result = await call(instance, "describe_table", { schema: db.schema, table: "nope" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`no table or view "${db.schema}"."nope"`);
  });
});

describe("resource template postgres://{schema}/{table}", () => {
  it("reads a table description as JSON", async () => {
    const uri = `postgres://${db.schema}/authors`;
    const result = await instance.readTemplate(
      "table",
      uri,
      { schema: db.schema, table: "authors" },
      hostContext(),
    );
    const [contents] = result?.contents ?? [];
    expect(contents).toMatchObject({ uri, mimeType: "application/json" });
    const parsed = JSON.parse((contents as { text: string }).text) as { primaryKey: string[] };
    expect(parsed.primaryKey).toEqual(["id"]);
  });

  it("reads a missing table, or a schema outside the allow-list, as not found", async () => {
    const missing = await instance.readTemplate(
      "table",
      `postgres://${db.schema}/nope`,
      { schema: db.schema, table: "nope" },
      hostContext(),
    );
    expect(missing).toBeUndefined();
    const limited = await db.instance({ schemas: ["public"] });
    const hidden = await limited.readTemplate(
      "table",
      `postgres://${db.schema}/authors`,
      { schema: db.schema, table: "authors" },
      hostContext(),
    );
    expect(hidden).toBeUndefined();
  });

  it("completes schema and table names", async () => {
    const schemas = await instance.complete(
      { kind: "template", key: "table" },
      "schema",
      db.schema.slice(0, 8),
      {},
    );
    expect(schemas.values).toContain(db.schema);
    const tables = await instance.complete({ kind: "template", key: "table" }, "table", "b", {
      schema: db.schema,
    });
    expect(tables.values).toEqual(["books"]);
  });
});
