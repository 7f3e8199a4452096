import { describe, expect, it } from "vitest";
import { diffConfig, formatIssues, type RuntimeConfig, validateConfig } from "../src/index.js";

function issuesOf(input: unknown): string[] {
  const result = validateConfig(input);
  if (result.ok) throw new Error("expected the config to be invalid");
  return formatIssues(result.issues);
}

function configOf(input: unknown): RuntimeConfig {
  const result = validateConfig(input);
  if (!result.ok) throw new Error(formatIssues(result.issues).join("\n"));
  return result.config;
}

const echoCheck = { name: "echo-hello", tool: "echo", arguments: { text: "hello" } };

describe("evals", () => {
  it("fills a check's arguments and the section's period and timeout", () => {
    const config = configOf({ evals: { checks: [{ name: "a", tool: "echo", expect: { match: "^a" } }] } });
    expect(config.evals).toEqual({
      intervalSeconds: 60,
      timeoutMs: 10_000,
      checks: [{ name: "a", tool: "echo", arguments: {}, expect: { match: "^a" } }],
    });
  });

  it("accepts each kind of expectation", () => {
    const config = configOf({
      evals: {
        intervalSeconds: 1,
        checks: [
          { ...echoCheck, expect: { result: { content: [{ type: "text", text: "hello" }] } } },
          { ...echoCheck, name: "schema", expect: { schema: { type: "object" } } },
          { ...echoCheck, name: "match", expect: { match: "^hel+o$" } },
        ],
      },
    });
    expect(config.evals.checks.map((c) => Object.keys(c.expect))).toEqual([
      ["result"],
      ["schema"],
      ["match"],
    ]);
  });

  it("reports two expectations, none, a bad regex and a duplicate name at their paths", () => {
    expect(
      issuesOf({
        evals: {
          checks: [
            { ...echoCheck, expect: { result: { isError: false }, match: "x" } },
            { ...echoCheck, name: "none", expect: {} },
            { ...echoCheck, name: "bad-regex", expect: { match: "(unclosed" } },
            { ...echoCheck, expect: { match: "x" } },
          ],
        },
      }),
    ).toEqual([
      'evals.checks[0].expect: set exactly one of "result", "schema" or "match" (result and match given)',
      'evals.checks[1].expect: set exactly one of "result", "schema" or "match" (none given)',
      "evals.checks[2].expect.match: must be a valid regular expression (Unterminated group)",
      "evals.checks[3].name: duplicate eval name (also evals.checks[0])",
    ]);
  });

  it("keeps unknown keys, bad names and bad periods errors with paths", () => {
    expect(
      issuesOf({
        evals: {
          intervalSeconds: 0,
          checks: [
            { ...echoCheck, name: "has space", expect: { result: { contnet: [] } } },
            { ...echoCheck, name: "x", extra: 1, expect: { match: "x" } },
          ],
        },
      }),
    ).toEqual([
      "evals.intervalSeconds: must be >= 1",
      'evals.checks[0].name: must be 1 to 64 letters, digits, "_", "." or "-"',
      'evals.checks[0].expect.result.contnet: unknown key "contnet"',
      'evals.checks[1].extra: unknown key "extra"',
    ]);
    expect(issuesOf({ evals: { everySeconds: 5 } })).toEqual([
      'evals.everySeconds: unknown key "everySeconds"',
    ]);
  });
});

describe("telemetry.capture", () => {
  it("is off (no tools) by default and takes redaction paths per tool", () => {
    expect(configOf({}).telemetry.capture).toEqual({ maxRecordBytes: 65_536, tools: {} });
    const config = configOf({
      telemetry: {
        capture: { maxRecordBytes: 1024, tools: { echo: { redact: ["password", "user.email"] } } },
      },
    });
    expect(config.telemetry.capture).toEqual({
      maxRecordBytes: 1024,
      tools: { echo: { redact: ["password", "user.email"] } },
    });
    expect(configOf({ telemetry: { capture: { tools: { echo: {} } } } }).telemetry.capture.tools).toEqual({
      echo: { redact: [] },
    });
  });

  it("reports bad paths, sizes and unknown keys with paths", () => {
    expect(
      issuesOf({
        telemetry: { capture: { maxRecordBytes: 0, tools: { echo: { redact: ["a..b"], hide: [] } } } },
      }),
    ).toEqual([
      "telemetry.capture.maxRecordBytes: must be > 0",
      'telemetry.capture.tools.echo.redact[0]: must be a dot path of non-empty keys, e.g. "user.email"',
      'telemetry.capture.tools.echo.hide: unknown key "hide"',
    ]);
  });
});

describe("diffs of evals and capture", () => {
  it("name the changed evals and capture paths", () => {
    const before = configOf({ evals: { checks: [{ ...echoCheck, expect: { match: "a" } }] } });
    const after = configOf({
      evals: { intervalSeconds: 5, checks: [{ ...echoCheck, expect: { match: "b" } }] },
      telemetry: { capture: { tools: { echo: { redact: ["password"] } } } },
    });
    expect(diffConfig(before, after).map((c) => c.path)).toEqual([
      "telemetry.capture.tools.echo",
      "evals.intervalSeconds",
      "evals.checks",
    ]);
  });
});
