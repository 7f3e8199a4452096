/**
 * @module A lexical pass over one SQL text: finds `;` outside string literals, quoted identifiers,
 * dollar quotes and comments (so a second statement is refused before it reaches the server) and
 * reads the first keyword. The extended protocol refuses a second statement too; this gives the
 * caller a clear message and lets the plugin strip a harmless trailing `;`.
 */
import { PostgresPluginError } from "./errors.js";

export interface ScannedStatement {
  /** the statement without a trailing `;` */
  readonly text: string;
  /** first keyword, upper-cased ("" for an empty statement); leading `(` are skipped */
  readonly keyword: string;
}

const IDENT_CHAR = /[A-Za-z0-9_$]/;
const DOLLAR_TAG = /\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/** Index just past the literal, comment or quoted identifier starting at `i`, or -1 when none starts there. */
function skipQuoted(sql: string, i: number): number {
  const c = sql[i];
  const next = sql[i + 1];
  if (c === "-" && next === "-") {
    const end = sql.indexOf("\n", i);
    return end === -1 ? sql.length : end + 1;
  }
  if (c === "/" && next === "*") {
    // PostgreSQL block comments nest.
    let depth = 1;
    let j = i + 2;
    while (j < sql.length && depth > 0) {
      if (sql.startsWith("/*", j)) {
        depth++;
        j += 2;
      } else if (sql.startsWith("*/", j)) {
        depth--;
        j += 2;
      } else j++;
    }
    return j;
  }
  if (c === "'" || c === '"') {
    // E'...' strings take backslash escapes; all quoted forms double the quote to escape it.
    const escapes = c === "'" && /[eE]/.test(sql[i - 1] ?? "") && !IDENT_CHAR.test(sql[i - 2] ?? "");
    let j = i + 1;
    while (j < sql.length) {
      if (escapes && sql[j] === "\\") j += 2;
      else if (sql[j] === c && sql[j + 1] === c) j += 2;
      else if (sql[j] === c) return j + 1;
      else j++;
    }
    return sql.length;
  }
  if (c === "$" && !IDENT_CHAR.test(sql[i - 1] ?? "")) {
    DOLLAR_TAG.lastIndex = i;
    const tag = DOLLAR_TAG.exec(sql);
    if (tag) {
      const end = sql.indexOf(tag[0], i + tag[0].length);
      return end === -1 ? sql.length : end + tag[0].length;
    }
  }
  return -1;
}

/** Text with comments blanked out, for "is anything left after the `;`?". */
function onlyCommentsAndSpace(sql: string, from: number): boolean {
  let i = from;
  while (i < sql.length) {
    if (/\s|;/.test(sql[i] ?? "")) i++;
    else if (sql.startsWith("--", i) || sql.startsWith("/*", i)) i = skipQuoted(sql, i);
    else return false;
  }
  return true;
}

export function scanStatement(sql: string): ScannedStatement {
  let end = sql.length;
  for (let i = 0; i < sql.length; ) {
    const skipped = skipQuoted(sql, i);
    if (skipped !== -1) {
      i = skipped;
      continue;
    }
    if (sql[i] === ";") {
      if (!onlyCommentsAndSpace(sql, i + 1))
        throw new PostgresPluginError(
          "ERR_MULTIPLE_STATEMENTS",
          "only one SQL statement per query: remove everything after the first ';'",
        );
      end = i;
      break;
    }
    i++;
  }
  const text = sql.slice(0, end);
  let i = 0;
  for (;;) {
    while (i < text.length && /[\s(]/.test(text[i] ?? "")) i++;
    const skipped = text[i] === "-" || text[i] === "/" ? skipQuoted(text, i) : -1;
    if (skipped === -1) break;
    i = skipped;
  }
  const keyword = /^[A-Za-z]+/.exec(text.slice(i))?.[0].toUpperCase() ?? "";
  return { text, keyword };
}
