/**
 * @module What an eval expects of its tool's result, compiled once per config: a function from the
 * actual `CallToolResult` to the reason it fails (a short diff, a schema error), or undefined.
 */
import type { EvalExpect } from "@mcp-runtime/config";
import { compileSchema } from "@mcp-runtime/plugin-sdk";
import type { JsonObject } from "@mcp-runtime/protocol";

/** The reason `result` does not meet the expectation, or undefined when it does. */
export type Expectation = (result: JsonObject) => string | undefined;

const EXCERPT_CHARS = 120;

export function compileExpectation(expect: EvalExpect): Expectation {
  const { result, schema, match } = expect;
  const tolerateError = result?.isError === true;
  let check: Expectation;
  if (result !== undefined) {
    // Only the fields given are compared, in a fixed order so the first difference is stable.
    const fields = (["isError", "content", "structuredContent"] as const).filter(
      (f) => result[f] !== undefined,
    );
    check = (actual) => {
      for (const field of fields) {
        if (!jsonEqual(actual[field], result[field]))
          return `result.${field} differs: expected ${excerpt(result[field])}, got ${excerpt(actual[field])}`;
      }
      return undefined;
    };
  } else if (schema !== undefined) {
    const compiled = compileSchema(schema as JsonObject, {});
    // Ajv compiles on first use: use it now, so the first run pays nothing and a broken schema
    // is reported on every run with Ajv's reason.
    compiled.validate(null);
    check = (actual) => {
      const structured = actual.structuredContent;
      const [subject, label] =
        structured !== undefined ? [structured, "structuredContent"] : [withoutMeta(actual), "result"];
      const outcome = compiled.validate(subject);
      return outcome.ok ? undefined : `${label} does not match the schema: ${outcome.message}`;
    };
  } else {
    const pattern = new RegExp(match ?? "");
    check = (actual) => {
      const text = textOf(actual);
      return pattern.test(text) ? undefined : `text ${excerpt(text)} does not match /${pattern.source}/`;
    };
  }
  // A tool error fails the check unless the check says it expects one.
  return (actual) => {
    if (actual.isError === true && !tolerateError)
      return `the tool returned an error: ${excerpt(textOf(actual))}`;
    return check(actual);
  };
}

/** The text contents joined with "\n" (what `match` is tested against). */
export function textOf(result: JsonObject): string {
  const content = result.content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const item of content) {
    if (isObject(item) && item.type === "text" && typeof item.text === "string") texts.push(item.text);
  }
  return texts.join("\n");
}

function withoutMeta(result: JsonObject): JsonObject {
  const { _meta: _, ...rest } = result;
  return rest;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Results are JSON: structural equality, key order ignored, a missing key equal to undefined.
function jsonEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!jsonEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}

function excerpt(value: unknown): string {
  const text = value === undefined ? "(absent)" : JSON.stringify(value);
  return text.length <= EXCERPT_CHARS ? text : `${text.slice(0, EXCERPT_CHARS)}…`;
}
