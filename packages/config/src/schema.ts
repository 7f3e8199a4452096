/** @module The zod schema of the runtime config: shapes, defaults, and cross-field rules. */
import { z } from "zod";
import type { RuntimeConfig } from "./types.js";

// Every message below is a complete sentence fragment shown after "path: ", so issues read the
// same whether zod or a cross-field rule produced them (see issues.ts).

const MiB = 1024 * 1024;

const nonEmpty = z.string().min(1);
const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const stringList = z.array(nonEmpty).default([]);

function urlOf(protocols: readonly string[]) {
  const label = protocols.length === 2 ? `${protocols[0]}(s)` : protocols.join(" or ");
  return z.url({ protocol: new RegExp(`^(${protocols.join("|")})$`), error: `must be a ${label} URL` });
}
const httpUrl = urlOf(["http", "https"]);

// Ids become tool-name prefixes and log fields, so keep them to a safe, readable alphabet.
const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, {
  error: 'must start with a letter or digit and contain only letters, digits, "_" and "-" (at most 64)',
});

/* Leaf schemas shared with the env/flag overrides, so both report the same rules. */
export const transportSchema = z.enum(["stdio", "http"]);
export const hostSchema = nonEmpty;
export const portSchema = z.number().int().min(0).max(65535);
export const logLevelSchema = z.enum(["debug", "info", "warn", "error"]);
export const ttlSecondsSchema = nonNegInt;
export const redisUrlSchema = urlOf(["redis", "rediss"]);
export const httpUrlSchema = httpUrl;
export const issuerSchema = httpUrl;
export const audienceSchema = nonEmpty;
export const nonEmptySchema = nonEmpty;

type Ctx = z.core.$RefinementCtx;
type Loose = Record<string, unknown>;

function isLoose(value: unknown): value is Loose {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// zod skips refinements once an object has issues; `when` makes these rules run anyway so that
// one pass reports every problem. The value may then be partly invalid, hence the `Loose` view.
const always = { when: (payload: { value: unknown }) => isLoose(payload.value) };

const DEFAULT_MAX_MESSAGE_BYTES = 4 * MiB;

const serverSchema = z
  .strictObject({
    name: nonEmpty.default("mcp-runtime"),
    transport: transportSchema.default("http"),
    host: hostSchema.default("127.0.0.1"),
    port: portSchema.default(8080),
    allowedOrigins: stringList,
    allowedHosts: stringList,
    sessions: z.enum(["memory", "redis"]).default("memory"),
    sessionIdleTimeoutMs: posInt.default(30 * 60_000),
    maxSessions: posInt.default(10_000),
    // One limit for every transport: a stdio line, an HTTP body, a WebSocket message.
    maxMessageBytes: posInt.optional(),
    // Deprecated alias of maxMessageBytes (it only ever limited HTTP bodies); setting both is an error.
    maxBodyBytes: posInt.optional(),
    shutdownGraceMs: nonNegInt.default(10_000),
    // JSON replies at least this big are gzip/brotli-compressed per Accept-Encoding; 0 turns it off.
    compressAboveBytes: nonNegInt.default(1024),
    // Reverse proxies that append to X-Forwarded-For (the client IP for per-client limits); 0 trusts none.
    trustProxyHops: nonNegInt.default(0),
  })
  .superRefine((value: Loose, ctx: Ctx) => {
    if (value.maxBodyBytes !== undefined && value.maxMessageBytes !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["maxBodyBytes"],
        message: 'deprecated alias of "maxMessageBytes"; set only "maxMessageBytes"',
      });
  }, always)
  .transform(({ maxBodyBytes, maxMessageBytes, ...rest }) => ({
    ...rest,
    maxMessageBytes: maxMessageBytes ?? maxBodyBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
  }));

// Optional: absent, the sandbox's own defaults apply (5 crashes in 60 s open it for 30 s).
const breakerSchema = z.strictObject({
  maxCrashes: posInt.default(5),
  windowMs: posInt.default(60_000),
  openMs: posInt.default(30_000),
});

const sandboxSchema = z.strictObject({
  mode: z.enum(["worker", "process"]).default("worker"),
  timeoutMs: posInt.default(30_000),
  maxMemoryMb: posInt.default(128),
  poolSize: posInt.default(1),
  // Default deny: a plugin gets no fs, net or env access unless the operator grants it here.
  fs: z.strictObject({ read: stringList, write: stringList }).prefault({}),
  net: z.strictObject({ allow: stringList }).prefault({}),
  env: stringList,
  breaker: breakerSchema.optional(),
});

const pluginSchema = z
  .strictObject({
    package: nonEmpty.optional(),
    path: nonEmpty.optional(),
    id: idSchema.optional(),
    config: z.record(z.string(), z.unknown()).prefault({}),
    sandbox: sandboxSchema.prefault({}),
  })
  .superRefine((value: Loose, ctx: Ctx) => {
    const hasPackage = value.package !== undefined;
    if (hasPackage === (value.path !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: hasPackage
          ? '"package" and "path" are mutually exclusive; set exactly one'
          : 'one of "package" or "path" is required',
      });
    }
  }, always);

// Namespaces prefix tool and prompt names, so they keep to the characters MCP names allow.
const namespaceSchema = z.string().regex(/^[A-Za-z0-9_./-]{0,64}$/, {
  error: 'must be at most 64 letters, digits, "_", "-", "." or "/" ("" means no prefix)',
});

const upstreamRestartSchema = z
  .strictObject({ backoffMs: posInt.default(500), maxBackoffMs: posInt.default(30_000) })
  .superRefine((value: Loose, ctx: Ctx) => {
    const { backoffMs, maxBackoffMs } = value;
    if (typeof backoffMs === "number" && typeof maxBackoffMs === "number" && maxBackoffMs < backoffMs)
      ctx.addIssue({ code: "custom", path: ["maxBackoffMs"], message: 'must be >= "backoffMs"' });
  }, always);

// OAuth 2.0 client credentials (RFC 6749 section 4.4): the runtime's own identity at a remote
// upstream. The secret usually comes from `${ENV}` substitution.
const upstreamOAuthSchema = z.strictObject({
  tokenUrl: httpUrl,
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  scopes: z.array(nonEmpty).optional(),
  audience: nonEmpty.optional(),
});

const upstreamSchema = z
  .strictObject({
    id: idSchema,
    command: nonEmpty.optional(),
    // No defaults here: the rule below must see what the author wrote; defaults come after it.
    args: z.array(z.string()).optional(),
    env: z.record(nonEmpty, z.string()).optional(),
    cwd: nonEmpty.optional(),
    maxMemoryMb: posInt.optional(),
    url: httpUrl.optional(),
    headers: z.record(nonEmpty, z.string()).optional(),
    // "auto": Streamable HTTP, falling back to the legacy HTTP+SSE endpoints when the first POST
    // gets a 4xx (what the 2025-03-26 spec tells clients to do).
    transport: z.enum(["auto", "streamable", "sse"]).optional(),
    oauth: upstreamOAuthSchema.optional(),
    // Absent: the runtime prefixes names with "<id>."; "" adds no prefix.
    namespace: namespaceSchema.optional(),
    sharing: z.enum(["shared", "perSession"]).default("shared"),
    // perSession: upstream sessions (processes, for stdio) open at once, beside the one that lists
    // the catalogue; the least recently used idle one makes room, else the call is refused.
    maxSessions: posInt.default(16),
    idleTimeoutSeconds: posInt.default(300),
    timeoutMs: posInt.default(60_000),
    // 0 turns health checks off.
    healthIntervalSeconds: nonNegInt.default(30),
    restart: upstreamRestartSchema.prefault({}),
  })
  .superRefine((value: Loose, ctx: Ctx) => {
    const hasCommand = value.command !== undefined;
    if (hasCommand === (value.url !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: hasCommand
          ? '"command" and "url" are mutually exclusive; set exactly one'
          : 'one of "command" or "url" is required',
      });
      return;
    }
    // Keys that only mean something for the other kind of upstream are almost always a mistake.
    const stray = hasCommand ? ["headers", "transport", "oauth"] : ["args", "env", "cwd", "maxMemoryMb"];
    for (const key of stray) {
      if (value[key] !== undefined) {
        const needs = hasCommand ? "url" : "command";
        ctx.addIssue({ code: "custom", path: [key], message: `only valid with "${needs}"` });
      }
    }
  }, always)
  .transform(({ args, env, headers, transport, ...rest }) => ({
    ...rest,
    args: args ?? [],
    env: env ?? {},
    headers: headers ?? {},
    ...(rest.url === undefined ? {} : { transport: transport ?? "auto" }),
  }));

const tokenSchema = z.strictObject({
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, { error: "must be 64 hexadecimal characters (a SHA-256 digest)" })
    .transform((hex) => hex.toLowerCase()),
  subject: nonEmpty,
  scopes: stringList,
});

const oauthSchema = z.strictObject({
  issuer: issuerSchema.optional(),
  audience: audienceSchema.optional(),
  scopes: z.record(nonEmpty, nonEmpty).prefault({}),
  introspection: z
    .strictObject({ endpoint: httpUrl.optional(), clientId: nonEmpty, clientSecret: nonEmpty.optional() })
    .optional(),
  client: z
    .strictObject({ id: nonEmpty, secret: nonEmpty.optional(), redirectUri: httpUrl.optional() })
    .optional(),
});

const authSchema = z
  .strictObject({
    mode: z.enum(["none", "tokens", "oauth"]).default("none"),
    tokens: z.array(tokenSchema).default([]),
    oauth: oauthSchema.optional(),
  })
  .superRefine((value: Loose, ctx: Ctx) => {
    if (value.mode === "tokens" && Array.isArray(value.tokens) && value.tokens.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["tokens"],
        message: 'at least one token is required when mode is "tokens"',
      });
    }
    if (value.mode === "oauth") {
      const oauth = isLoose(value.oauth) ? value.oauth : {};
      for (const key of ["issuer", "audience"]) {
        if (oauth[key] === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["oauth", key],
            message: 'required when auth.mode is "oauth"',
          });
        }
      }
    }
    if (Array.isArray(value.tokens)) {
      const hashes = value.tokens.map((t: unknown) =>
        isLoose(t) && typeof t.sha256 === "string" ? t.sha256.toLowerCase() : undefined,
      );
      reportDuplicates(ctx, hashes, (i) => ["tokens", i, "sha256"], "auth.tokens", "token hash");
    }
  }, always);

const cacheRuleSchema = z.strictObject({
  ttlSeconds: ttlSecondsSchema.optional(),
  // "private" (default): one entry per caller; "public": one entry shared by every caller.
  scope: z.enum(["private", "public"]).default("private"),
});

const cacheSchema = z.strictObject({
  backend: z.enum(["memory", "redis"]).default("memory"),
  // Default TTL of cached results (CACHE_TTL), also the ttlMs 2026-07-28 clients get for lists; 0
  // turns result caching off.
  ttlSeconds: ttlSecondsSchema.default(60),
  // Off by default: encryption needs a key (MCP_CACHE_KEYS or `keyFile`) the operator provides.
  encrypt: z.boolean().default(false),
  keyFile: nonEmpty.optional(),
  maxEntries: posInt.default(10_000),
  maxBytes: posInt.default(64 * MiB),
  // `resources/read` results are cached unless this is off (or a resource opts out).
  resources: z.boolean().default(true),
  // Tool results are cached only for tools named here (or opted in by their plugin), and only
  // when the tool is annotated readOnlyHint + idempotentHint.
  tools: z.record(nonEmpty, cacheRuleSchema).prefault({}),
  // Tool results bigger than this come back as a resource_link to the stored result; 0 turns it off.
  largeResultBytes: nonNegInt.default(MiB),
  largeResultTtlSeconds: posInt.default(600),
});

const queueSchema = z.strictObject({
  backend: z.enum(["memory", "bullmq"]).default("memory"),
  longCallMs: nonNegInt.default(5_000),
  concurrency: posInt.default(8),
  resultTtlSeconds: posInt.default(3_600),
});

/** A token bucket's size when none is given: one second's worth of requests, the usual default. */
export function defaultBurst(rps: number): number {
  return Math.max(1, Math.ceil(rps));
}

const withBurst = <T extends { rps?: number | undefined; burst?: number | undefined }>(rule: T) =>
  rule.rps === undefined ? rule : { ...rule, burst: rule.burst ?? defaultBurst(rule.rps) };

const limitsSchema = z.strictObject({
  backend: z.enum(["memory", "redis"]).default("memory"),
  // What a check does when the Redis limiter is unreachable: admit (and count it) or refuse.
  onBackendError: z.enum(["allow", "deny"]).default("allow"),
  perClient: z
    .strictObject({ rps: z.number().positive(), burst: posInt.optional() })
    .transform(({ rps, burst }) => ({ rps, burst: burst ?? defaultBurst(rps) }))
    .optional(),
  perTool: z
    .record(
      nonEmpty,
      z
        .strictObject({
          rps: z.number().positive().optional(),
          burst: posInt.optional(),
          dailyBudget: nonNegInt.optional(),
          monthlyBudget: nonNegInt.optional(),
          // Cost units one call charges to the budgets; overrides what the plugin declares.
          cost: posInt.optional(),
        })
        .superRefine((value: Loose, ctx: Ctx) => {
          if (value.burst !== undefined && value.rps === undefined)
            ctx.addIssue({
              code: "custom",
              path: ["burst"],
              message: 'needs "rps" (a burst without a rate limits nothing)',
            });
        }, always)
        .transform(withBurst),
    )
    .prefault({}),
});

// Dot paths into a captured call's arguments and structuredContent ("user.email").
const redactPathSchema = z.string().regex(/^[^.]+(\.[^.]+)*$/, {
  error: 'must be a dot path of non-empty keys, e.g. "user.email"',
});

// Off unless tools are named: captured calls hold inputs and outputs, so each tool is opted in.
const captureSchema = z.strictObject({
  maxRecordBytes: posInt.default(65_536),
  tools: z.record(nonEmpty, z.strictObject({ redact: z.array(redactPathSchema).default([]) })).prefault({}),
});

const telemetrySchema = z.strictObject({
  sidecar: urlOf(["ws", "wss"]).optional(),
  otlp: httpUrlSchema.optional(),
  logLevel: logLevelSchema.default("info"),
  metrics: z.boolean().default(true),
  auditBufferEvents: posInt.default(100_000),
  capture: captureSchema.prefault({}),
});

const evalNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, {
  error: 'must be 1 to 64 letters, digits, "_", "." or "-"',
});

// The CallToolResult fields an eval may pin; strict, so a misspelt field is an error, not a check
// that can never pass. `_meta` is never compared (the server adds its own).
const expectedResultSchema = z.strictObject({
  content: z.array(z.unknown()).optional(),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
  isError: z.boolean().optional(),
});

const EXPECTATIONS = ["result", "schema", "match"] as const;

const evalExpectSchema = z
  .strictObject({
    result: expectedResultSchema.optional(),
    schema: z.record(z.string(), z.unknown()).optional(),
    match: z.string().optional(),
  })
  .superRefine((value: Loose, ctx: Ctx) => {
    const given = EXPECTATIONS.filter((key) => value[key] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `set exactly one of "result", "schema" or "match" (${given.length === 0 ? "none" : given.join(" and ")} given)`,
      });
    if (typeof value.match === "string") {
      const problem = regexProblem(value.match);
      if (problem !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["match"],
          message: `must be a valid regular expression (${problem})`,
        });
    }
  }, always);

/** Why a pattern does not compile, without echoing the pattern (config strings may be secrets). */
function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return message.slice(message.lastIndexOf(": ") + 2) || "invalid";
  }
}

const evalCheckSchema = z.strictObject({
  name: evalNameSchema,
  tool: nonEmpty,
  arguments: z.record(z.string(), z.unknown()).prefault({}),
  expect: evalExpectSchema,
});

const evalsSchema = z
  .strictObject({
    intervalSeconds: z.number().int().min(1).default(60),
    timeoutMs: posInt.default(10_000),
    checks: z.array(evalCheckSchema).default([]),
  })
  .superRefine((value: Loose, ctx: Ctx) => {
    if (!Array.isArray(value.checks)) return;
    const names = value.checks.map((check: unknown) =>
      isLoose(check) && typeof check.name === "string" ? check.name : undefined,
    );
    reportDuplicates(ctx, names, (i) => ["checks", i, "name"], "evals.checks", "eval name");
  }, always);

function reportDuplicates(
  ctx: Ctx,
  keys: readonly (string | undefined)[],
  pathOf: (index: number) => (string | number)[],
  listLabel: string,
  what: string,
): void {
  const firstIndex = new Map<string, number>();
  keys.forEach((key, index) => {
    if (key === undefined) return;
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else
      ctx.addIssue({
        code: "custom",
        path: pathOf(index),
        message: `duplicate ${what} (also ${listLabel}[${first}])`,
      });
  });
}

export const runtimeConfigSchema = z
  .strictObject({
    server: serverSchema.prefault({}),
    plugins: z.array(pluginSchema).default([]),
    upstreams: z.array(upstreamSchema).default([]),
    auth: authSchema.prefault({}),
    cache: cacheSchema.prefault({}),
    queue: queueSchema.prefault({}),
    limits: limitsSchema.prefault({}),
    telemetry: telemetrySchema.prefault({}),
    evals: evalsSchema.prefault({}),
    redis: z.strictObject({ url: redisUrlSchema.optional() }).prefault({}),
  })
  .superRefine((value: Loose, ctx: Ctx) => {
    checkIds(value, ctx);
    checkRedis(value, ctx);
  }, always);

// Plugins and upstreams share one id namespace: both prefix the tools they contribute.
function checkIds(value: Loose, ctx: Ctx): void {
  const seen = new Map<string, string>();
  for (const list of ["plugins", "upstreams"] as const) {
    const entries = value[list];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry: unknown, index) => {
      if (!isLoose(entry) || typeof entry.id !== "string") return;
      const here = `${list}[${index}]`;
      const first = seen.get(entry.id);
      if (first === undefined) seen.set(entry.id, here);
      else
        ctx.addIssue({
          code: "custom",
          path: [list, index, "id"],
          message: `duplicate id "${entry.id}" (also ${first})`,
        });
    });
  }
}

function checkRedis(value: Loose, ctx: Ctx): void {
  const redis = isLoose(value.redis) ? value.redis : {};
  if (redis.url !== undefined) return;
  const needs: [string, string, unknown][] = [
    ["server", "sessions", "redis"],
    ["cache", "backend", "redis"],
    ["limits", "backend", "redis"],
    ["queue", "backend", "bullmq"],
  ];
  for (const [section, key, kind] of needs) {
    const part = value[section];
    if (isLoose(part) && part[key] === kind) {
      ctx.addIssue({
        code: "custom",
        path: ["redis", "url"],
        message: `required when ${section}.${key} is "${kind}"`,
      });
      return;
    }
  }
}

/** What the schema accepts (before defaults), e.g. for building a config in code. */
export type RuntimeConfigInput = z.input<typeof runtimeConfigSchema>;

// Compile-time guard: the hand-written plain types in types.ts must match what the schema yields.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesTypes: Same<z.output<typeof runtimeConfigSchema>, RuntimeConfig> = true;
void schemaMatchesTypes;
