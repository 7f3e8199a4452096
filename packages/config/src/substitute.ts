/** @module `${VAR}` substitution in the string values of a config file, so secrets can come from env. */
import { type ConfigIssue, formatPath } from "./issues.js";

// `$${` is an escaped literal `${`; `${...}` is a reference; a lone `${` is unterminated.
const TOKEN = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** No config needs more; a deeper document is refused rather than walked (the stack is the limit). */
const MAX_DEPTH = 100;

export interface Substituted {
  value: unknown;
  issues: ConfigIssue[];
}

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string value (not keys) with values from
 * `env`. Works on the parsed document rather than the text, so a value with quotes, colons or
 * newlines can never change the document's structure; the price is that results are always
 * strings (use the MCP_* variables for numbers such as the port).
 */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
): Substituted {
  const issues: ConfigIssue[] = [];
  const walk = (node: unknown, path: PropertyKey[]): unknown => {
    // Found by fuzzing: a 5,000-level JSON array overflowed the stack here and loadConfig threw.
    if (path.length > MAX_DEPTH) {
      issues.push({
        path: formatPath(path.slice(0, MAX_DEPTH)),
        message: `nested deeper than ${MAX_DEPTH} levels`,
      });
      return node;
    }
    if (typeof node === "string")
      return substituteString(node, env, (message) => issues.push({ path: formatPath(path), message }));
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (typeof node === "object" && node !== null) {
      // Object.fromEntries defines own properties, so a "__proto__" key stays inert.
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...path, key])]));
    }
    return node;
  };
  return { value: walk(value, []), issues };
}

function substituteString(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  report: (message: string) => void,
): string {
  if (!text.includes("${")) return text;
  return text.replace(TOKEN, (token: string, inner: string | undefined) => {
    if (token === "$${") return "${";
    if (inner === undefined) {
      report('unterminated "${" (write "$${" for a literal "${")');
      return token;
    }
    const match = REFERENCE.exec(inner);
    const name = match?.[1];
    if (match === null || name === undefined) {
      report(`invalid reference "${token}": expected \${NAME} or \${NAME:-default}`);
      return token;
    }
    const fallback = match[2];
    const found = env[name];
    // Shell semantics: `:-` also covers a variable that is set but empty.
    if (fallback !== undefined) return found === undefined || found === "" ? fallback : found;
    if (found === undefined) {
      report(`environment variable "${name}" is not set`);
      return token;
    }
    return found;
  });
}
