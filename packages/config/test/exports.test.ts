import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

// Pins the public surface: adding or removing a runtime export must be a deliberate change here.
describe("public entry", () => {
  it("exports exactly these runtime values", () => {
    expect(Object.keys(api).sort()).toEqual([
      "CONFIG_ENV_VARS",
      "ConfigError",
      "defaultBurst",
      "diffConfig",
      "formatIssues",
      "loadConfig",
      "loadConfigOrThrow",
      "readConfigFile",
      "runtimeConfigSchema",
      "validateConfig",
    ]);
  });

  it("lists every environment variable of the CLI contract except MCP_CONFIG", () => {
    expect([...api.CONFIG_ENV_VARS].sort()).toEqual([
      "CACHE_TTL",
      "LOG_LEVEL",
      "MCP_HOST",
      "MCP_PORT",
      "MCP_TRANSPORT",
      "OAUTH_AUDIENCE",
      "OAUTH_CLIENT_ID",
      "OAUTH_CLIENT_SECRET",
      "OAUTH_ISSUER",
      "OAUTH_REDIRECT_URI",
      "OTEL_EXPORTER_OTLP_ENDPOINT",
      "REDIS_URL",
    ]);
  });

  it("has an exports map with only the root entry and package.json", async () => {
    const manifest = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as {
      exports: Record<string, unknown>;
    };
    expect(manifest.exports).toEqual({
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./package.json": "./package.json",
    });
  });

  it("formats issues as path: message lines", () => {
    expect(api.formatIssues([{ path: "server.port", message: "must be <= 65535" }])).toEqual([
      "server.port: must be <= 65535",
    ]);
  });

  it("gives ConfigError a heading per code and keeps the issues", () => {
    const issues = [{ path: "c.yaml", message: "file not found" }];
    const error = new api.ConfigError("CONFIG_NOT_FOUND", issues);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ConfigError");
    expect(error.message).toBe("config file not found:\n  c.yaml: file not found");
    expect(error.issues).toEqual(issues);
  });
});
