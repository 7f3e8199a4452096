/** @module Config issues: the `{ path, message }` shape, path formatting, and zod issue translation. */
import type { z } from "zod";

/** One problem in a config, e.g. `{ path: "plugins[1].sandbox.timeoutMs", message: "must be > 0" }`. */
export interface ConfigIssue {
  path: string;
  message: string;
}

// Keys that read unambiguously after a dot; anything else (dots, spaces, empty) is bracket-quoted.
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `["plugins", 1, "sandbox"]` → `plugins[1].sandbox`; `["limits", "perTool", "a.b"]` → `limits.perTool["a.b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** One `path: message` line per issue, as `mcp-runtime check-config` prints them. */
export function formatIssues(issues: readonly ConfigIssue[]): string[] {
  return issues.map((issue) => `${issue.path}: ${issue.message}`);
}

/** Names a value's type the way a config author thinks of it (`array`, `null`), never its content. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return typeof value;
}

const EXPECTED_NAMES: Readonly<Record<string, string>> = { int: "integer", record: "object" };

/**
 * Translates zod issues into config issues. Messages never echo string input, because config
 * strings may hold secrets substituted from the environment; numbers are echoed (they help, and are
 * not secret). `rootLabel` names the whole document (the file) for issues at the empty path.
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  rootLabel: string,
  prefix: readonly PropertyKey[] = [],
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const pathOf = (path: readonly PropertyKey[]): string => formatPath([...prefix, ...path]) || rootLabel;
  for (const issue of issues) {
    switch (issue.code) {
      case "unrecognized_keys":
        // One issue per key, pointing at the key itself, so an editor can jump straight to it.
        for (const key of issue.keys)
          out.push({ path: pathOf([...issue.path, key]), message: `unknown key ${JSON.stringify(key)}` });
        break;
      case "invalid_key":
        for (const inner of fromZodIssues(issue.issues, rootLabel)) {
          out.push({ path: pathOf(issue.path), message: `invalid key: ${inner.message}` });
        }
        break;
      default:
        out.push({ path: pathOf(issue.path), message: messageFor(issue) });
    }
  }
  return out;
}

function messageFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return "required";
      const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
      const got =
        typeof issue.input === "number" && Number.isFinite(issue.input)
          ? String(issue.input)
          : describeType(issue.input);
      return `expected ${expected}, got ${got}`;
    }
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of: ${issue.values.map(String).join(", ")}`;
    case "too_small":
      return boundMessage(issue.origin, issue.inclusive === false ? ">" : ">=", issue.minimum, "at least");
    case "too_big":
      return boundMessage(issue.origin, issue.inclusive === false ? "<" : "<=", issue.maximum, "at most");
    default:
      // Formats and cross-field rules carry hand-written messages from schema.ts.
      return issue.message;
  }
}

function boundMessage(origin: string, op: string, bound: number | bigint, words: string): string {
  if (origin === "string")
    return bound === 1 && op === ">=" ? "must not be empty" : `must have ${words} ${bound} characters`;
  if (origin === "array") return `must have ${words} ${bound} item${bound === 1 ? "" : "s"}`;
  return `must be ${op} ${bound}`;
}
