/** @module The query tool against real PostgreSQL: read-only, row cap, statement timeout, one statement, params, SQLSTATE. */
import type { PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createDatabase, type Database, textOf } from "./fixture.js";

let db: Database;
let instance: PluginInstance;

beforeAll(async () => {
  db = await createDatabase();
  instance = await db.instance();
});
afterAll(async () => {
  await db?.dispose();
});

const query = (sql: string, extra: Record<string, unknown> = {}, on: PluginInstance = instance) =>
  call(on, "query", { sql, ...extra });

describe("query results", () => {
  it("returns columns with type names, rows in column order, and a compact text table", async () => {
    const result = await query(`SELECT id, name, email, born, active FROM ${db.schema}.authors ORDER BY id`);
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual({
      columns: [
        { name: "id", type: "integer" },
        { name: "name", type: "text" },
        { name: "email", type: "text" },
        { name: "born", type: "date" },
        { name: "active", type: "boolean" },
      ],
      rows: [
        [1, "Ada", "ada@example.com", expect.stringMatching(/^1815-12-(09|10)T/), true],
        [2, "Brian", null, null, false],
        [3, "Chen", "chen@example.com", expect.stringMatching(/^1990-01-0[12]T/), true],
      ],
      rowCount: 3,
      truncated: false,
    });
    const lines = textOf(result).split("\n");
    expect(lines[0]).toBe("id | name  | email            | born                     | active");
    expect(lines[3]).toBe("2  | Brian | NULL             | NULL                     | false");
    expect(lines.at(-1)).toBe("(3 rows)");
  });

  it("binds params through the extended protocol, so text is never SQL", async () => {
    const result = await query(`SELECT name FROM ${db.schema}.authors WHERE name = $1 OR id = $2::int`, {
      params: ["Chen' OR '1'='1", 1],
    });
    expect(result.structuredContent).toMatchObject({ rows: [["Ada"]], rowCount: 1 });
    const sum = await query("SELECT $1::int + $2::int AS total", { params: [2, 3] });
    expect(sum.structuredContent).toMatchObject({ rows: [[5]] });
  });

  it("returns bytea as \\x hex and numeric as exact text", async () => {
    const result = await query(`SELECT cover, price FROM ${db.schema}.books WHERE id = 1`);
    expect(result.structuredContent).toMatchObject({ rows: [["\\xdeadbeef", "1.50"]] });
  });

  it("keeps duplicate column names apart", async () => {
    const result = await query("SELECT 1 AS a, 2 AS a");
    expect(result.structuredContent).toMatchObject({
      columns: [
        { name: "a", type: "integer" },
        { name: "a", type: "integer" },
      ],
      rows: [[1, 2]],
    });
  });

  it("runs statements that are not queries (SHOW, EXPLAIN) as written", async () => {
    const show = await query("SHOW transaction_read_only");
    expect(show.structuredContent).toMatchObject({ rows: [["on"]] });
    const explain = await query(`EXPLAIN SELECT * FROM ${db.schema}.books`);
    expect(explain.isError).toBeUndefined();
  });

  it("allows a trailing ';' and comments, and ';' inside strings, dollar quotes and identifiers", async () => {
    const result = await query(`SELECT ';' AS "semi;colon", $$a;b$$ AS d, E'\\';' AS e; -- done`);
    expect(result.structuredContent).toMatchObject({
      columns: [{ name: "semi;colon" }, { name: "d" }, { name: "e" }],
      rows: [[";", "a;b", "';"]],
    });
  });
});

describe("row limit", () => {
  it("returns maxRows rows and reports truncated when more exist", async () => {
    const result = await query(`SELECT id FROM ${db.schema}.books ORDER BY id`, { maxRows: 10 });
    expect(result.structuredContent).toMatchObject({ rowCount: 10, truncated: true });
    expect(((result.structuredContent?.rows ?? []) as number[][]).map((r) => r[0])).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(textOf(result).split("\n").at(-1)).toBe("(first 10 rows; more rows exist — truncated)");
  });

  it("is not truncated when exactly maxRows rows exist", async () => {
    const result = await query(`SELECT id FROM ${db.schema}.books`, { maxRows: 25 });
    expect(result.structuredContent).toMatchObject({ rowCount: 25, truncated: false });
  });

  it("caps the caller's maxRows at the operator's maxRows (default 100)", async () => {
    const strict = await db.instance({ maxRows: 5 });
    const result = await query(`SELECT id FROM ${db.schema}.books`, { maxRows: 20 }, strict);
    expect(result.structuredContent).toMatchObject({ rowCount: 5, truncated: true });
    const big = await query("SELECT g FROM generate_series(1, 1000) AS g");
    expect(big.structuredContent).toMatchObject({ rowCount: 100, truncated: true });
  });

  it("stops the server after maxRows + 1 rows instead of producing the whole result", async () => {
    // 10^9 rows from a pipelined set-returning function: without the LIMIT pushed into the
    // statement the server would run into the 5 s statement timeout long before finishing.
    const result = await query("SELECT generate_series(1, 1000000000) AS g", { maxRows: 3 });
    expect(result.structuredContent).toMatchObject({ rows: [[1], [2], [3]], truncated: true });
  });

  it("refuses a config maxRows above the hard cap of 1000 at load time", async () => {
    await expect(db.instance({ maxRows: 5000 })).rejects.toThrow(/maxRows/);
  });
});

describe("statement timeout", () => {
  it("cancels a statement that runs past statementTimeoutMs with an isError naming the timeout", async () => {
    const quick = await db.instance({ statementTimeoutMs: 200 });
    const started = performance.now();
    const result = await query("SELECT pg_sleep(10)", {}, quick);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("canceling statement due to statement timeout (SQLSTATE 57014)");
    expect(performance.now() - started).toBeLessThan(5_000);
    // The pooled connection is usable afterwards.
    const after = await query("SELECT 1 AS one", {}, quick);
    expect(after.structuredContent).toMatchObject({ rows: [[1]] });
  });
});

describe("read-only", () => {
  it.each([
    ["INSERT", (s: string) => `INSERT INTO ${s}.authors (name) VALUES ('Mallory')`],
    ["UPDATE", (s: string) => `UPDATE ${s}.authors SET name = 'x'`],
    ["DELETE", (s: string) => `DELETE FROM ${s}.books`],
    ["CREATE", (s: string) => `CREATE TABLE ${s}.evil (id int)`],
    ["DROP", (s: string) => `DROP TABLE ${s}.books`],
    ["a data-modifying CTE", (s: string) => `WITH d AS (DELETE FROM ${s}.books RETURNING 1) SELECT * FROM d`],
  ])("refuses %s with PostgreSQL's read-only error and SQLSTATE", async (_kind, sql) => {
    const result = await query(sql(db.schema));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /read-only transaction \(SQLSTATE 25006\)|data-modifying statement .*\(SQLSTATE 0A000\)/,
    );
    const counts = await db.admin.query(
      `SELECT (SELECT count(*) FROM ${db.schema}.authors)::int AS a, (SELECT count(*) FROM ${db.schema}.books)::int AS b,
        to_regclass('${db.schema}.evil') IS NULL AS no_evil`,
    );
    expect(counts.rows[0]).toEqual({ a: 3, b: 25, no_evil: true });
  });

  it("names the read-only transaction for a plain INSERT", async () => {
    const result = await query(`INSERT INTO ${db.schema}.authors (name) VALUES ('Mallory')`);
    expect(textOf(result)).toBe("cannot execute INSERT in a read-only transaction (SQLSTATE 25006)");
  });

  it("refuses COPY, which READ ONLY would let write server files", async () => {
    const result = await query("COPY (SELECT 1) TO '/tmp/mcp-runtime-copy-test'");
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("COPY is refused: use SELECT to read data");
  });

  it("rolls back: a session setting made by a query does not leak to the next call", async () => {
    const pinned = await db.instance({ maxRows: 7 });
    await query("SELECT set_config('search_path', 'nowhere', false)", {}, pinned);
    const after = await query("SHOW search_path", {}, pinned);
    expect(after.structuredContent).toMatchObject({ rows: [['"$user", public']] });
  });
});

describe("one statement per call", () => {
  it.each([
    "SELECT 1; SELECT 2",
    `SELECT 1; DROP TABLE books`,
    "SELECT 1;\n/* comment */ COMMIT",
    "SELECT 'a'';' ; SELECT 2",
  ])("refuses %j before it reaches the server", async (sql) => {
    const result = await query(sql);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("only one SQL statement per query: remove everything after the first ';'");
  });
});

describe("errors", () => {
  it("carry PostgreSQL's message and SQLSTATE", async () => {
    const result = await query(`SELECT * FROM ${db.schema}.missing_table`);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `relation "${db.schema}.missing_table" does not exist (SQLSTATE 42P01) at character 15`,
    );
  });

  it("point syntax error positions into the caller's SQL, not the wrapped statement", async () => {
    const result = await query("SELECT * FRM books");
    expect(textOf(result)).toBe('syntax error at or near "FRM" (SQLSTATE 42601) at character 10');
  });

  it("carry DETAIL and HINT", async () => {
    const result = await query("SELECT 'abc'::int + nosuchfn()");
    expect(textOf(result)).toMatch(/\(SQLSTATE 22P02\)/);
    const hinted = await query("SELECT nosuchfn(1)");
    expect(textOf(hinted)).toMatch(
      /^function nosuchfn\(integer\) does not exist \(SQLSTATE 42883\) at character 8\nHINT: /,
    );
  });

  it("never show the connection string or password", async () => {
    const broken = await db.instance({
      connectionString: "postgresql://postgres:s3cretPassw0rd@127.0.0.1:1/test",
      host: undefined,
      port: undefined,
    });
    const result = await query("SELECT 1", {}, broken);
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/^PostgreSQL connection failed: /);
    expect(text).not.toContain("s3cretPassw0rd");
    expect(text).not.toContain("postgresql://");
  });

  it("name a password env var that the sandbox did not pass", async () => {
    const missing = await db.instance({ passwordEnv: "MCP_TEST_PG_PASSWORD_UNSET" });
    const result = await query("SELECT 1", {}, missing);
    expect(textOf(result)).toBe(
      "environment variable MCP_TEST_PG_PASSWORD_UNSET (config.passwordEnv) is not set: grant it in this plugin's sandbox.env",
    );
  });

  it("read the password from the env var named by passwordEnv", async () => {
    process.env.MCP_TEST_PG_PASSWORD = "unused-under-trust-auth";
    try {
      const withPassword = await db.instance({ passwordEnv: "MCP_TEST_PG_PASSWORD" });
      const result = await query("SELECT current_user AS u", {}, withPassword);
      expect(result.structuredContent).toMatchObject({ rows: [["postgres"]] });
    } finally {
      delete process.env.MCP_TEST_PG_PASSWORD;
    }
  });
});
