// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${VAR} references in config text.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ConfigError,
  formatIssues,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  loadConfigOrThrow,
} from "../src/index.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mcp-config-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await mkdir(join(file, ".."), { recursive: true });
  await writeFile(file, text);
  return file;
}

/** Loads with an empty environment unless the test gives one, so the host's env cannot leak in. */
async function load(options: LoadConfigOptions): Promise<LoadedConfig> {
  const result = await loadConfig({ env: {}, cwd: dir, ...options });
  if (!result.ok) throw new Error(formatIssues(result.issues).join("\n"));
  return result;
}

async function failureOf(options: LoadConfigOptions): Promise<{ code: string; lines: string[] }> {
  const result = await loadConfig({ env: {}, cwd: dir, ...options });
  if (result.ok) throw new Error("expected loading to fail");
  return { code: result.code, lines: formatIssues(result.issues) };
}

const YAML_CONFIG = `
server: { name: demo, transport: http, port: 9000 }
plugins:
  - package: "@mcp-runtime/plugin-echo"
  - path: ./plugins/fs
    id: files
    config: { root: ./data }
    sandbox: { mode: worker, timeoutMs: 5000, fs: { read: [./data], write: [] } }
upstreams:
  - { id: everything, command: npx, args: ["@modelcontextprotocol/server-everything"] }
  - { id: remote, url: "https://example.test/mcp" }
cache: { backend: memory, ttlSeconds: 30, encrypt: true }
telemetry: { sidecar: "ws://127.0.0.1:8090", otlp: "http://127.0.0.1:4318", logLevel: debug }
`;

describe("loadConfig: files", () => {
  it("loads a YAML file, applying defaults to what it leaves out", async () => {
    const file = await write("mcp-runtime.yaml", YAML_CONFIG);
    const { config, file: loadedFrom, baseDir } = await load({ file: "mcp-runtime.yaml" });
    expect(loadedFrom).toBe(file);
    expect(baseDir).toBe(dir);
    expect(config.server).toMatchObject({ name: "demo", transport: "http", host: "127.0.0.1", port: 9000 });
    expect(config.plugins.map((p) => p.id)).toEqual([undefined, "files"]);
    expect(config.plugins[1]?.sandbox).toMatchObject({ timeoutMs: 5000, maxMemoryMb: 128 });
    expect(config.plugins[1]?.config).toEqual({ root: "./data" });
    expect(config.upstreams.map((u) => u.id)).toEqual(["everything", "remote"]);
    expect(config.cache).toMatchObject({
      backend: "memory",
      ttlSeconds: 30,
      encrypt: true,
      maxEntries: 10_000,
    });
    expect(config.telemetry.logLevel).toBe("debug");
  });

  it("loads the same config from JSON (.yml and .json by extension)", async () => {
    const json = { server: { port: 9001 }, plugins: [{ package: "@mcp-runtime/plugin-echo" }] };
    await write("c.json", JSON.stringify(json));
    await write("c.yml", "server:\n  port: 9001\nplugins:\n  - package: '@mcp-runtime/plugin-echo'\n");
    const fromJson = await load({ file: "c.json" });
    const fromYml = await load({ file: "c.yml" });
    expect(fromJson.config).toEqual(fromYml.config);
    expect(fromJson.config.server.port).toBe(9001);
  });

  it("treats an empty YAML file as all defaults", async () => {
    await write("empty.yaml", "# nothing here yet\n");
    expect((await load({ file: "empty.yaml" })).config.server.port).toBe(8080);
  });

  it("uses defaults when no file is given", async () => {
    const loaded = await load({});
    expect(loaded.file).toBeUndefined();
    expect(loaded.baseDir).toBe(dir);
    expect(loaded.config.server).toMatchObject({ host: "127.0.0.1", port: 8080, transport: "http" });
  });

  it("labels schema issues with their path and whole-document issues with the file", async () => {
    await write("bad.yaml", "server:\n  port: abc\n  colour: blue\n");
    await write("list.yaml", "- a\n- b\n");
    expect(await failureOf({ file: "bad.yaml" })).toEqual({
      code: "CONFIG_INVALID",
      lines: ["server.port: expected number, got string", 'server.colour: unknown key "colour"'],
    });
    expect((await failureOf({ file: "list.yaml" })).lines).toEqual(["list.yaml: expected object, got array"]);
  });

  it("reports a YAML syntax error as one issue at the file, with line and column", async () => {
    await write("broken.yaml", "server:\n  port: 8080\n  host: [127.0.0.1\n");
    const { code, lines } = await failureOf({ file: "broken.yaml" });
    expect(code).toBe("CONFIG_INVALID");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^broken\.yaml: YAML syntax error at line \d+, col \d+: \S/);
  });

  it("reports a duplicate YAML key as a syntax error at its line", async () => {
    await write("dup.yaml", "server:\n  port: 1\n  port: 2\n");
    expect((await failureOf({ file: "dup.yaml" })).lines).toEqual([
      "dup.yaml: YAML syntax error at line 3, col 3: Map keys must be unique",
    ]);
  });

  it("reports a JSON syntax error with line and column and without quoting the file", async () => {
    await write("broken.json", '{\n  "server": {\n    "port": 8080,\n  }\n}\n');
    expect(await failureOf({ file: "broken.json" })).toEqual({
      code: "CONFIG_INVALID",
      lines: ['broken.json: JSON syntax error at line 4, col 3: unexpected character "}"'],
    });
    await write("secret.json", '{ "auth": hunter2 }');
    expect((await failureOf({ file: "secret.json" })).lines).toEqual([
      'secret.json: JSON syntax error at line 1, col 11: unexpected character "h"',
    ]);
  });

  it("returns CONFIG_NOT_FOUND for a missing file and CONFIG_UNREADABLE for an unknown extension", async () => {
    expect(await failureOf({ file: "nope.yaml" })).toEqual({
      code: "CONFIG_NOT_FOUND",
      lines: ["nope.yaml: file not found"],
    });
    await write("c.toml", "x = 1");
    expect(await failureOf({ file: "c.toml" })).toEqual({
      code: "CONFIG_UNREADABLE",
      lines: ['c.toml: unsupported file extension ".toml"; use .yaml, .yml or .json'],
    });
    await mkdir(join(dir, "folder.yaml"));
    expect(await failureOf({ file: "folder.yaml" })).toEqual({
      code: "CONFIG_UNREADABLE",
      lines: ["folder.yaml: cannot read file (EISDIR)"],
    });
  });
});

describe("loadConfig: relative paths", () => {
  it("resolves plugin paths, sandbox fs paths and upstream cwd against the file's directory", async () => {
    await write(
      "conf/mcp.yaml",
      [
        "plugins:",
        "  - path: ./plugins/fs",
        "    sandbox: { fs: { read: [./data, /abs/ro], write: [../out] } }",
        "upstreams:",
        "  - { id: local, command: node, args: [server.js], cwd: ./srv }",
      ].join("\n"),
    );
    const { config } = await load({ file: "conf/mcp.yaml" });
    const conf = join(dir, "conf");
    expect(config.plugins[0]?.path).toBe(join(conf, "plugins/fs"));
    expect(config.plugins[0]?.sandbox.fs).toEqual({
      read: [join(conf, "data"), "/abs/ro"],
      write: [join(dir, "out")],
    });
    expect(config.upstreams[0]?.cwd).toBe(join(conf, "srv"));
    // Arguments are the upstream's business, not paths we may rewrite.
    expect(config.upstreams[0]?.args).toEqual(["server.js"]);
  });
});

describe("loadConfig: env and flag overrides", () => {
  const FILE =
    "server: { host: file.example, port: 1111, transport: stdio }\ntelemetry: { logLevel: warn }\n";

  it("lets env beat the file", async () => {
    await write("c.yaml", FILE);
    const { config } = await load({
      file: "c.yaml",
      env: { MCP_HOST: "0.0.0.0", MCP_PORT: "2222", LOG_LEVEL: "error", CACHE_TTL: "5" },
    });
    expect(config.server).toMatchObject({ host: "0.0.0.0", port: 2222, transport: "stdio" });
    expect(config.telemetry.logLevel).toBe("error");
    expect(config.cache.ttlSeconds).toBe(5);
  });

  it("lets flags beat env and the file", async () => {
    await write("c.yaml", FILE);
    const { config } = await load({
      file: "c.yaml",
      env: { MCP_HOST: "0.0.0.0", MCP_PORT: "2222" },
      flags: { transport: "http", host: "localhost", port: "0" },
    });
    expect(config.server).toMatchObject({ host: "localhost", port: 0, transport: "http" });
  });

  it("takes the transport from MCP_TRANSPORT (for launchers that keep --transport for themselves)", async () => {
    await write("c.yaml", FILE);
    const fromEnv = await load({ file: "c.yaml", env: { MCP_TRANSPORT: "http" } });
    expect(fromEnv.config.server.transport).toBe("http");
    const flagWins = await load({
      file: "c.yaml",
      env: { MCP_TRANSPORT: "http" },
      flags: { transport: "stdio" },
    });
    expect(flagWins.config.server.transport).toBe("stdio");
    const bad = await loadConfig({ cwd: dir, file: "c.yaml", env: { MCP_TRANSPORT: "carrier-pigeon" } });
    expect(bad.ok).toBe(false);
  });

  it("ignores empty env values", async () => {
    await write("c.yaml", FILE);
    const { config } = await load({ file: "c.yaml", env: { MCP_PORT: "", MCP_HOST: "" } });
    expect(config.server).toMatchObject({ host: "file.example", port: 1111 });
  });

  it("maps the Redis, OAuth and OTLP variables into their sections", async () => {
    const { config } = await load({
      env: {
        REDIS_URL: "redis://cache:6379",
        OAUTH_ISSUER: "https://issuer.example",
        OAUTH_AUDIENCE: "https://mcp.example/mcp",
        OAUTH_CLIENT_ID: "runtime",
        OAUTH_CLIENT_SECRET: "s3cret",
        OAUTH_REDIRECT_URI: "https://mcp.example/callback",
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      },
    });
    expect(config.redis.url).toBe("redis://cache:6379");
    expect(config.auth.oauth).toEqual({
      issuer: "https://issuer.example",
      audience: "https://mcp.example/mcp",
      scopes: {},
      client: { id: "runtime", secret: "s3cret", redirectUri: "https://mcp.example/callback" },
    });
    expect(config.telemetry.otlp).toBe("http://collector:4318");
  });

  it("reports env and flag values of the wrong type under env.NAME and flags.name", async () => {
    expect(
      await failureOf({
        env: { MCP_PORT: "abc", LOG_LEVEL: "loud", REDIS_URL: "http://x" },
        flags: { transport: "ws", port: 70000 },
      }),
    ).toEqual({
      code: "CONFIG_INVALID",
      lines: [
        'env.MCP_PORT: expected integer, got "abc"',
        "env.LOG_LEVEL: must be one of: debug, info, warn, error",
        "env.REDIS_URL: must be a redis(s) URL",
        "flags.transport: must be one of: stdio, http",
        "flags.port: must be <= 65535",
      ],
    });
  });
});

describe("loadConfig: ${VAR} substitution", () => {
  it("substitutes variables in string values, with defaults and $${ escapes", async () => {
    await write(
      "c.yaml",
      [
        "server: { name: '${NAME}-${REGION:-eu}' }",
        "upstreams:",
        "  - id: remote",
        '    url: "https://example.test/mcp"',
        '    headers: { authorization: "Bearer ${API_TOKEN}", x-template: "$${NOT_A_VAR}" }',
      ].join("\n"),
    );
    const { config } = await load({ file: "c.yaml", env: { NAME: "demo", API_TOKEN: "t0k" } });
    expect(config.server.name).toBe("demo-eu");
    expect(config.upstreams[0]?.headers).toEqual({
      authorization: "Bearer t0k",
      "x-template": "${NOT_A_VAR}",
    });
  });

  it("reports a missing variable at the value's path without validating further", async () => {
    await write(
      "c.yaml",
      "auth:\n  oauth: { client: { id: x, secret: '${CLIENT_SECRET}' } }\nserver: { port: nope }\n",
    );
    expect(await failureOf({ file: "c.yaml" })).toEqual({
      code: "CONFIG_INVALID",
      lines: ['auth.oauth.client.secret: environment variable "CLIENT_SECRET" is not set'],
    });
  });

  it("reports malformed references", async () => {
    await write("c.yaml", "server: { name: '${not-valid}', host: 'a${' }\n");
    expect((await failureOf({ file: "c.yaml" })).lines).toEqual([
      'server.name: invalid reference "${not-valid}": expected ${NAME} or ${NAME:-default}',
      'server.host: unterminated "${" (write "$${" for a literal "${")',
    ]);
  });

  it("yields strings, so a substituted number is a type error", async () => {
    await write("c.yaml", "server: { port: '${PORT}' }\n");
    expect((await failureOf({ file: "c.yaml", env: { PORT: "9000" } })).lines).toEqual([
      "server.port: expected number, got string",
    ]);
  });
});

describe("loadConfigOrThrow", () => {
  it("returns the loaded config without the ok flag", async () => {
    const loaded = await loadConfigOrThrow({ env: {}, cwd: dir });
    expect(Object.keys(loaded).sort()).toEqual(["baseDir", "config", "file"]);
  });

  it("throws ConfigError with code and issues", async () => {
    await write("c.yaml", "server: { port: -1 }\n");
    const error = await loadConfigOrThrow({ file: "c.yaml", env: {}, cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      code: "CONFIG_INVALID",
      issues: [{ path: "server.port", message: "must be >= 0" }],
      message: "invalid config:\n  server.port: must be >= 0",
    });
  });

  it("throws TypeError naming a bad option (a caller's bug, not a config problem)", async () => {
    await expect(loadConfig({ file: "" })).rejects.toThrow(
      new TypeError('"file" option must be a non-empty string'),
    );
  });
});

describe("loadConfig with the file's text given", () => {
  it("parses the given text as that file (format by extension, paths against its folder) without reading it", async () => {
    const loaded = await loadConfig({
      file: "/nowhere/on/disk/runtime.yaml",
      text: "server: { port: 1234 }\nplugins:\n  - { path: ./plugins/echo }\n",
      env: {},
    });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.config.server.port).toBe(1234);
    expect(loaded.baseDir).toBe("/nowhere/on/disk");
  });

  it("reports a syntax error in the given text with the file's name", async () => {
    const loaded = await loadConfig({ file: "pushed.json", text: "{ nope", env: {} });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.issues[0]?.path).toBe("pushed.json");
  });
});
