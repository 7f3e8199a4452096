import { describe, expect, it } from "vitest";
import { formatIssues, type RuntimeConfig, validateConfig } from "../src/index.js";

function issuesOf(input: unknown): string[] {
  const result = validateConfig(input);
  if (result.ok) throw new Error("expected the config to be invalid");
  expect(result.code).toBe("CONFIG_INVALID");
  return formatIssues(result.issues);
}

function configOf(input: unknown): RuntimeConfig {
  const result = validateConfig(input);
  if (!result.ok) throw new Error(formatIssues(result.issues).join("\n"));
  return result.config;
}

describe("validateConfig: defaults", () => {
  it("accepts {} and fills every section with the documented defaults", () => {
    expect(configOf({})).toEqual({
      server: {
        name: "mcp-runtime",
        transport: "http",
        host: "127.0.0.1",
        port: 8080,
        allowedOrigins: [],
        allowedHosts: [],
        sessions: "memory",
        sessionIdleTimeoutMs: 1_800_000,
        maxSessions: 10_000,
        maxMessageBytes: 4 * 1024 * 1024,
        shutdownGraceMs: 10_000,
        compressAboveBytes: 1024,
        trustProxyHops: 0,
      },
      plugins: [],
      upstreams: [],
      auth: { mode: "none", tokens: [] },
      cache: {
        backend: "memory",
        ttlSeconds: 60,
        encrypt: false,
        maxEntries: 10_000,
        maxBytes: 64 * 1024 * 1024,
        resources: true,
        tools: {},
        largeResultBytes: 1024 * 1024,
        largeResultTtlSeconds: 600,
      },
      queue: { backend: "memory", longCallMs: 5_000, concurrency: 8, resultTtlSeconds: 3_600 },
      limits: { backend: "memory", onBackendError: "allow", perTool: {} },
      telemetry: {
        logLevel: "info",
        metrics: true,
        auditBufferEvents: 100_000,
        capture: { maxRecordBytes: 65_536, tools: {} },
      },
      evals: { intervalSeconds: 60, timeoutMs: 10_000, checks: [] },
      redis: {},
    });
  });

  it("fills a plugin's sandbox with default-deny permissions", () => {
    const config = configOf({ plugins: [{ package: "@mcp-runtime/plugin-echo" }] });
    expect(config.plugins[0]).toEqual({
      package: "@mcp-runtime/plugin-echo",
      config: {},
      sandbox: {
        mode: "worker",
        timeoutMs: 30_000,
        maxMemoryMb: 128,
        poolSize: 1,
        fs: { read: [], write: [] },
        net: { allow: [] },
        env: [],
      },
    });
  });

  it("defaults an upstream's args, env and headers, and a per-client burst to ceil(rps)", () => {
    const config = configOf({
      upstreams: [{ id: "everything", command: "npx", args: ["@modelcontextprotocol/server-everything"] }],
      limits: { perClient: { rps: 2.5 } },
    });
    expect(config.upstreams[0]).toEqual({
      id: "everything",
      command: "npx",
      args: ["@modelcontextprotocol/server-everything"],
      env: {},
      headers: {},
      sharing: "shared",
      maxSessions: 16,
      idleTimeoutSeconds: 300,
      timeoutMs: 60_000,
      healthIntervalSeconds: 30,
      restart: { backoffMs: 500, maxBackoffMs: 30_000 },
    });
    expect(config.limits.perClient).toEqual({ rps: 2.5, burst: 3 });
  });

  it("lowercases token hashes so lookups need not care about case", () => {
    const config = configOf({
      auth: { mode: "tokens", tokens: [{ sha256: "AB".repeat(32), subject: "ci" }] },
    });
    expect(config.auth.tokens).toEqual([{ sha256: "ab".repeat(32), subject: "ci", scopes: [] }]);
  });
});

describe("validateConfig: issues", () => {
  it("reports an unknown top-level key at the key itself", () => {
    expect(issuesOf({ severs: {} })).toEqual(['severs: unknown key "severs"']);
  });

  it("reports unknown nested keys one per key, with the exact path", () => {
    expect(
      issuesOf({
        plugins: [{ package: "a" }, { path: "./p", sandbox: { fs: { read: [], exec: [] }, cpu: 1 } }],
      }),
    ).toEqual([
      'plugins[1].sandbox.fs.exec: unknown key "exec"',
      'plugins[1].sandbox.cpu: unknown key "cpu"',
    ]);
  });

  it("reports a wrong type with expected and actual type, never the string itself", () => {
    expect(issuesOf({ server: { port: "8080" } })).toEqual(["server.port: expected number, got string"]);
    expect(issuesOf({ server: { port: 80.5 } })).toEqual(["server.port: expected integer, got 80.5"]);
    expect(issuesOf({ plugins: {} })).toEqual(["plugins: expected array, got object"]);
  });

  it("reports numbers out of range", () => {
    expect(issuesOf({ server: { port: 70000 } })).toEqual(["server.port: must be <= 65535"]);
    expect(issuesOf({ plugins: [{ package: "a", sandbox: { timeoutMs: 0 } }] })).toEqual([
      "plugins[0].sandbox.timeoutMs: must be > 0",
    ]);
  });

  it("reports a bad enum value with the allowed values", () => {
    expect(issuesOf({ server: { sessions: "postgres" } })).toEqual([
      "server.sessions: must be one of: memory, redis",
    ]);
  });

  it("reports a missing required field as required", () => {
    expect(issuesOf({ upstreams: [{ command: "npx" }] })).toEqual(["upstreams[0].id: required"]);
  });

  it("rejects a plugin with both package and path, and one with neither", () => {
    expect(issuesOf({ plugins: [{ package: "a", path: "./a" }, { id: "x" }] })).toEqual([
      'plugins[0]: "package" and "path" are mutually exclusive; set exactly one',
      'plugins[1]: one of "package" or "path" is required',
    ]);
  });

  it("rejects duplicate explicit ids across plugins and upstreams, pointing at the later one", () => {
    const input = {
      plugins: [{ package: "a", id: "files" }, { package: "b" }, { path: "./c", id: "files" }],
      upstreams: [{ id: "files", url: "https://example.test/mcp" }],
    };
    expect(issuesOf(input)).toEqual([
      'plugins[2].id: duplicate id "files" (also plugins[0])',
      'upstreams[0].id: duplicate id "files" (also plugins[0])',
    ]);
  });

  it("requires exactly one of command and url on an upstream, and rejects keys of the other kind", () => {
    expect(
      issuesOf({
        upstreams: [
          { id: "a", command: "x", url: "https://example.test/mcp" },
          { id: "b", url: "https://example.test/mcp", args: ["--x"], cwd: "." },
          { id: "c", command: "x", headers: { authorization: "Bearer t" } },
        ],
      }),
    ).toEqual([
      'upstreams[0]: "command" and "url" are mutually exclusive; set exactly one',
      'upstreams[1].args: only valid with "command"',
      'upstreams[1].cwd: only valid with "command"',
      'upstreams[2].headers: only valid with "url"',
    ]);
  });

  it("defaults a remote upstream's transport to auto and keeps its oauth client credentials", () => {
    const oauth = { tokenUrl: "https://auth.example.test/token", clientId: "rt", clientSecret: "s3cret" };
    const config = configOf({
      upstreams: [{ id: "remote", url: "https://example.test/mcp", oauth, sharing: "perSession" }],
    });
    expect(config.upstreams[0]).toMatchObject({ transport: "auto", oauth, sharing: "perSession" });
    expect(config.upstreams[0]?.namespace).toBeUndefined();
  });

  it("rejects upstream keys of the other kind, bad enums and a backoff ceiling below its base", () => {
    expect(
      issuesOf({
        upstreams: [
          {
            id: "a",
            command: "x",
            transport: "sse",
            oauth: { tokenUrl: "https://t.test", clientId: "c", clientSecret: "s" },
          },
          { id: "b", url: "https://example.test/mcp", maxMemoryMb: 64, sharing: "perClient" },
          { id: "c", command: "x", namespace: "bad name", restart: { backoffMs: 1000, maxBackoffMs: 10 } },
          { id: "d", url: "https://example.test/mcp", oauth: { tokenUrl: "https://t.test", clientId: "c" } },
        ],
      }),
    ).toEqual([
      'upstreams[0].transport: only valid with "url"',
      'upstreams[0].oauth: only valid with "url"',
      "upstreams[1].sharing: must be one of: shared, perSession",
      'upstreams[1].maxMemoryMb: only valid with "command"',
      'upstreams[2].namespace: must be at most 64 letters, digits, "_", "-", "." or "/" ("" means no prefix)',
      'upstreams[2].restart.maxBackoffMs: must be >= "backoffMs"',
      "upstreams[3].oauth.clientSecret: required",
    ]);
  });

  it("requires issuer and audience in oauth mode and a token in tokens mode", () => {
    expect(issuesOf({ auth: { mode: "oauth" } })).toEqual([
      'auth.oauth.issuer: required when auth.mode is "oauth"',
      'auth.oauth.audience: required when auth.mode is "oauth"',
    ]);
    expect(issuesOf({ auth: { mode: "tokens" } })).toEqual([
      'auth.tokens: at least one token is required when mode is "tokens"',
    ]);
  });

  it("rejects a malformed or duplicate token hash", () => {
    const hash = "0f".repeat(32);
    expect(
      issuesOf({
        auth: {
          mode: "tokens",
          tokens: [
            { sha256: hash, subject: "a" },
            { sha256: hash.toUpperCase(), subject: "b" },
            { sha256: "secret", subject: "c" },
          ],
        },
      }),
    ).toEqual([
      "auth.tokens[2].sha256: must be 64 hexadecimal characters (a SHA-256 digest)",
      "auth.tokens[1].sha256: duplicate token hash (also auth.tokens[0])",
    ]);
  });

  it("requires redis.url when a section uses Redis", () => {
    expect(issuesOf({ queue: { backend: "bullmq" } })).toEqual([
      'redis.url: required when queue.backend is "bullmq"',
    ]);
    expect(
      configOf({ queue: { backend: "bullmq" }, redis: { url: "redis://127.0.0.1:6379" } }).redis.url,
    ).toBe("redis://127.0.0.1:6379");
  });

  it("checks URL schemes per field", () => {
    expect(
      issuesOf({
        telemetry: { sidecar: "http://127.0.0.1:8090", otlp: "ws://x" },
        redis: { url: "http://x" },
      }),
    ).toEqual([
      "telemetry.sidecar: must be a ws(s) URL",
      "telemetry.otlp: must be a http(s) URL",
      "redis.url: must be a redis(s) URL",
    ]);
  });

  it("quotes record keys that are not plain identifiers", () => {
    expect(issuesOf({ limits: { perTool: { "fs.read": { rps: -1 } } } })).toEqual([
      'limits.perTool["fs.read"].rps: must be > 0',
    ]);
    expect(issuesOf({ limits: { perTool: { search: { burst: 5 } } } })).toEqual([
      'limits.perTool.search.burst: needs "rps" (a burst without a rate limits nothing)',
    ]);
  });

  it("reports every problem in one pass, whatever the order", () => {
    expect(issuesOf({ foo: 1, server: { transport: "ws" }, plugins: [{}] })).toEqual([
      "server.transport: must be one of: stdio, http",
      'plugins[0]: one of "package" or "path" is required',
      'foo: unknown key "foo"',
    ]);
  });

  it("labels issues about the whole document", () => {
    expect(issuesOf(["server"])).toEqual(["config: expected object, got array"]);
  });
});

describe("validateConfig: baseDir", () => {
  it("leaves paths as written without baseDir and resolves them with it", () => {
    const input = { plugins: [{ path: "./fs", sandbox: { fs: { read: ["data"] } } }] };
    expect(configOf(input).plugins[0]?.path).toBe("./fs");
    const result = validateConfig(input, { baseDir: "/srv/mcp" });
    expect(result.ok && result.config.plugins[0]).toMatchObject({
      path: "/srv/mcp/fs",
      sandbox: { fs: { read: ["/srv/mcp/data"], write: [] } },
    });
  });
});
