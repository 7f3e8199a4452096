/** @module The lexical single-statement check, on the quoting forms PostgreSQL has. */
import { describe, expect, it } from "vitest";
import { scanStatement } from "../src/index.js";

describe("scanStatement", () => {
  it("strips a trailing ';' and trailing comments and reads the first keyword", () => {
    expect(scanStatement("  (select 1) ; -- bye\n/* x */")).toEqual({
      text: "  (select 1) ",
      keyword: "SELECT",
    });
    expect(scanStatement("/* lead */ -- c\n with x as (select 1) table x")).toMatchObject({
      keyword: "WITH",
    });
  });

  it.each([
    ["single-quoted with doubled quote", "select 'it''s; fine'"],
    ["E-string with backslash-escaped quote", "select E'it\\'s; fine'"],
    ["quoted identifier", 'select 1 as "a;b"'],
    ["dollar quote", "select $$;$$"],
    ["tagged dollar quote holding $$", "select $fn$ $$ ; $$ $fn$"],
    ["nested block comment", "select 1 /* a /* ; */ ; */"],
    ["line comment", "select 1 -- ;\n"],
  ])("does not split on ';' inside a %s", (_name, sql) => {
    expect(() => scanStatement(sql)).not.toThrow();
  });

  it("does not take a positional parameter for a dollar quote", () => {
    expect(() => scanStatement("select $1; select 2")).toThrow(/only one SQL statement/);
  });

  it("does not take a standard string ending in a backslash for an escape", () => {
    expect(() => scanStatement("select 'a\\'; select 2")).toThrow(/only one SQL statement/);
  });
});
