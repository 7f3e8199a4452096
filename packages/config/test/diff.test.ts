import { describe, expect, it } from "vitest";
import { diffConfig, formatIssues, type RuntimeConfig, validateConfig } from "../src/index.js";

function config(input: unknown): RuntimeConfig {
  const result = validateConfig(input);
  if (!result.ok) throw new Error(formatIssues(result.issues).join("\n"));
  return result.config;
}

describe("diffConfig", () => {
  it("returns nothing for equal configs built separately", () => {
    const input = { plugins: [{ package: "a" }], limits: { perTool: { search: { rps: 1 } } } };
    expect(diffConfig(config(input), config(input))).toEqual([]);
  });

  it("reports the deepest changed leaf of nested objects with its section", () => {
    const before = config({ server: { port: 1 }, telemetry: { logLevel: "info" } });
    const after = config({ server: { port: 2 }, telemetry: { logLevel: "debug" } });
    expect(diffConfig(before, after)).toEqual([
      { section: "server", path: "server.port" },
      { section: "telemetry", path: "telemetry.logLevel" },
    ]);
  });

  it("reports record keys that were added, removed or changed", () => {
    const before = config({ limits: { perTool: { search: { rps: 1, burst: 4 }, "fs.read": { rps: 1 } } } });
    const after = config({
      limits: { perTool: { search: { rps: 2, burst: 4 }, fetch: { dailyBudget: 10 } } },
    });
    expect(diffConfig(before, after).map((change) => change.path)).toEqual([
      "limits.perTool.search.rps",
      'limits.perTool["fs.read"]',
      "limits.perTool.fetch",
    ]);
  });

  it("reports an optional object that appeared", () => {
    const after = config({ auth: { mode: "oauth", oauth: { issuer: "https://i.example", audience: "a" } } });
    expect(diffConfig(config({}), after).map((change) => change.path)).toEqual(["auth.mode", "auth.oauth"]);
  });

  it("reports an array as a whole when any element changes", () => {
    const before = config({ plugins: [{ package: "a" }, { package: "b" }] });
    const after = config({ plugins: [{ package: "a" }, { package: "b", sandbox: { timeoutMs: 1 } }] });
    expect(diffConfig(before, after)).toEqual([{ section: "plugins", path: "plugins" }]);
    expect(diffConfig(before, config({ plugins: [{ package: "b" }, { package: "a" }] }))).toEqual([
      { section: "plugins", path: "plugins" },
    ]);
  });
});
