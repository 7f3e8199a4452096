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
    name: nonEmpty
      .default("mcp-runtime")
      .describe("Server name reported to clients (serverInfo) and in logs."),
    transport: transportSchema
      .default("http")
      .describe(
        "How `mcp-runtime serve` talks to clients: `http` (Streamable HTTP, WebSocket and legacy SSE on one port) or `stdio` (a desktop host starts the runtime). `MCP_TRANSPORT` and `--transport` beat it.",
      ),
    host: hostSchema
      .default("127.0.0.1")
      .describe(
        "Address the HTTP server binds. Loopback by default; `0.0.0.0` in containers. `MCP_HOST` and `--host` beat it.",
      ),
    port: portSchema
      .default(8080)
      .describe("HTTP port; 0 picks a free one (the ready line prints it). `MCP_PORT` and `--port` beat it."),
    allowedOrigins: stringList.describe(
      "Browser origins accepted in the `Origin` header (DNS-rebinding guard); empty: only same-host loopback origins. A request without `Origin` is allowed.",
    ),
    allowedHosts: stringList.describe(
      "Extra `Host` header values accepted (your public names behind a balancer); empty: derived from `host`.",
    ),
    sessions: z
      .enum(["memory", "redis"])
      .default("memory")
      .describe(
        "Where 2025-era sessions live: `memory` (this process) or `redis` (any node serves any session; needs `redis.url`).",
      ),
    sessionIdleTimeoutMs: posInt
      .default(30 * 60_000)
      .describe("A 2025-era session idle this long is closed."),
    maxSessions: posInt
      .default(10_000)
      .describe("Most 2025-era sessions held at once; the least recently used idle one is evicted past it."),
    // One limit for every transport: a stdio line, an HTTP body, a WebSocket message.
    maxMessageBytes: posInt
      .optional()
      .describe(
        "Largest accepted message on every transport (stdio line, HTTP body, WebSocket message); default 4 MiB (4194304). Larger ones are refused (HTTP 413).",
      ),
    // Deprecated alias of maxMessageBytes (it only ever limited HTTP bodies); setting both is an error.
    maxBodyBytes: posInt
      .optional()
      .describe("Deprecated alias of `maxMessageBytes`; setting both is an error."),
    shutdownGraceMs: nonNegInt
      .default(10_000)
      .describe("On SIGTERM, how long in-flight calls may finish before the process leaves."),
    // JSON replies at least this big are gzip/brotli-compressed per Accept-Encoding; 0 turns it off.
    compressAboveBytes: nonNegInt
      .default(1024)
      .describe(
        "HTTP JSON replies at least this big are compressed (brotli, else gzip) per `Accept-Encoding`; 0 turns compression off. Restart to change.",
      ),
    // Reverse proxies that append to X-Forwarded-For (the client IP for per-client limits); 0 trusts none.
    trustProxyHops: nonNegInt
      .default(0)
      .describe(
        "Reverse proxies in front that append to `X-Forwarded-For`; the client IP (for per-client limits) is taken that many hops from the right. 0 trusts none. Restart to change.",
      ),
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
  maxCrashes: posInt.default(5).describe("Crashes within `windowMs` that open the breaker."),
  windowMs: posInt.default(60_000).describe("Window in which crashes are counted."),
  openMs: posInt
    .default(30_000)
    .describe("How long an open breaker refuses calls before it lets one through again."),
});

const sandboxSchema = z.strictObject({
  mode: z
    .enum(["worker", "process"])
    .default("worker")
    .describe(
      "`worker`: worker threads in the runtime process; `process`: a child process under Node's permission model (stronger isolation, slower start). See packages/sandbox/README.md.",
    ),
  timeoutMs: posInt
    .default(30_000)
    .describe("A tool call running longer is cancelled and its worker replaced."),
  maxMemoryMb: posInt
    .default(128)
    .describe(
      "Heap limit of each worker or child process; exceeding it crashes the host, which is restarted.",
    ),
  poolSize: posInt.default(1).describe("Workers (or processes) running this plugin's calls in parallel."),
  // Default deny: a plugin gets no fs, net or env access unless the operator grants it here.
  fs: z
    .strictObject({
      read: stringList.describe("Folders `ctx.fs` may read (relative to the config file)."),
      write: stringList.describe(
        "Write grants, matched against the manifest's `fs.write` request; `ctx.fs` is read-only and `mode: process` allows no file writes.",
      ),
    })
    .prefault({})
    .describe("File system grants. Default: none."),
  net: z
    .strictObject({
      allow: stringList.describe(
        "Hosts `ctx.fetch` may reach (`*`: any public host); private and loopback addresses only when named.",
      ),
    })
    .prefault({})
    .describe("Network grants. Default: none."),
  env: stringList.describe("Names of environment variables the plugin may read. Default: none."),
  breaker: breakerSchema
    .optional()
    .describe("Crash circuit breaker; absent: 5 crashes in 60 s open it for 30 s."),
});

const pluginSchema = z
  .strictObject({
    package: nonEmpty
      .optional()
      .describe(
        "An installed npm package to load (e.g. `@mcp-runtime/plugin-echo`). Set exactly one of `package` and `path`.",
      ),
    path: nonEmpty.optional().describe("A local plugin package folder or file, relative to the config file."),
    id: idSchema
      .optional()
      .describe(
        "Plugin id, used in logs, metrics and audit records; default: the plugin's own name. Shares one namespace with upstream ids.",
      ),
    config: z
      .record(z.string(), z.unknown())
      .prefault({})
      .describe(
        "The plugin's own settings, validated by its schema; paths its manifest declares are resolved against the config file.",
      ),
    sandbox: sandboxSchema
      .prefault({})
      .describe("How the plugin is isolated and what it may touch (default deny)."),
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
  .strictObject({
    backoffMs: posInt
      .default(500)
      .describe("First restart delay of a stdio upstream that died; doubles on each failure."),
    maxBackoffMs: posInt.default(30_000).describe("Longest restart delay."),
  })
  .superRefine((value: Loose, ctx: Ctx) => {
    const { backoffMs, maxBackoffMs } = value;
    if (typeof backoffMs === "number" && typeof maxBackoffMs === "number" && maxBackoffMs < backoffMs)
      ctx.addIssue({ code: "custom", path: ["maxBackoffMs"], message: 'must be >= "backoffMs"' });
  }, always);

// OAuth 2.0 client credentials (RFC 6749 section 4.4): the runtime's own identity at a remote
// upstream. The secret usually comes from `${ENV}` substitution.
const upstreamOAuthSchema = z.strictObject({
  tokenUrl: httpUrl.describe("Token endpoint of the upstream's authorization server."),
  clientId: nonEmpty.describe("The runtime's client id there."),
  clientSecret: nonEmpty.describe("The runtime's client secret; take it from the environment."),
  scopes: z.array(nonEmpty).optional().describe("Scopes to request."),
  audience: nonEmpty.optional().describe("Resource indicator (RFC 8707) to request."),
});

const upstreamSchema = z
  .strictObject({
    id: idSchema.describe(
      "Upstream id; its tools and prompts appear as `<id>.<name>` unless `namespace` says otherwise.",
    ),
    command: nonEmpty
      .optional()
      .describe("Executable of a stdio MCP server (e.g. `npx`). Set exactly one of `command` and `url`."),
    // No defaults here: the rule below must see what the author wrote; defaults come after it.
    args: z.array(z.string()).optional().describe("Arguments of `command`."),
    env: z
      .record(nonEmpty, z.string())
      .optional()
      .describe(
        "Environment of the stdio server, besides `HOME`, `PATH`, `USER`, `SHELL`, `TERM`, `LOGNAME` (the runtime's own secrets never reach it).",
      ),
    cwd: nonEmpty.optional().describe("Working directory of the stdio server."),
    maxMemoryMb: posInt.optional().describe("RSS above which the stdio server is restarted."),
    url: httpUrl.optional().describe("Endpoint of a remote MCP server (http or https)."),
    headers: z
      .record(nonEmpty, z.string())
      .optional()
      .describe("HTTP headers sent to the remote server (e.g. an API key taken from the environment)."),
    // "auto": Streamable HTTP, falling back to the legacy HTTP+SSE endpoints when the first POST
    // gets a 4xx (what the 2025-03-26 spec tells clients to do).
    transport: z
      .enum(["auto", "streamable", "sse"])
      .optional()
      .describe(
        "Remote transport; default `auto`: Streamable HTTP, falling back to legacy HTTP+SSE on a 4xx.",
      ),
    oauth: upstreamOAuthSchema
      .optional()
      .describe("OAuth 2.0 client credentials the runtime uses at the remote server."),
    // Absent: the runtime prefixes names with "<id>."; "" adds no prefix.
    namespace: namespaceSchema
      .optional()
      .describe('Prefix of the upstream\'s tool and prompt names; default `<id>.`, `""` for none.'),
    sharing: z
      .enum(["shared", "perSession"])
      .default("shared")
      .describe(
        "`shared`: one upstream session for every caller; `perSession`: one per downstream session (or subject).",
      ),
    // perSession: upstream sessions (processes, for stdio) open at once, beside the one that lists
    // the catalogue; the least recently used idle one makes room, else the call is refused.
    maxSessions: posInt
      .default(16)
      .describe("With `perSession`: upstream sessions (processes, for stdio) open at once."),
    idleTimeoutSeconds: posInt
      .default(300)
      .describe("With `perSession`: an idle upstream session is closed after this."),
    timeoutMs: posInt.default(60_000).describe("A call to the upstream longer than this fails."),
    // 0 turns health checks off.
    healthIntervalSeconds: nonNegInt.default(30).describe("Ping interval; 0 turns health checks off."),
    restart: upstreamRestartSchema.prefault({}).describe("Restart backoff of a stdio upstream that died."),
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
    .transform((hex) => hex.toLowerCase())
    .describe(
      "SHA-256 of the token in hex, as `mcp-runtime token create` prints it; the token itself is never stored.",
    ),
  subject: nonEmpty.describe(
    "Who the token stands for: `ctx.subject`, logs, audit records, session binding.",
  ),
  scopes: stringList.describe("Scopes the token grants (see `auth.oauth.scopes`)."),
});

const oauthSchema = z.strictObject({
  issuer: issuerSchema
    .optional()
    .describe(
      "The authorization server (its discovery document names the JWKS); required with `mode: oauth`. `OAUTH_ISSUER` beats it.",
    ),
  audience: audienceSchema
    .optional()
    .describe(
      "The URL clients connect to (RFC 8707 resource); tokens must carry it in `aud`. Required with `mode: oauth`. `OAUTH_AUDIENCE` beats it.",
    ),
  scopes: z
    .record(nonEmpty, nonEmpty)
    .prefault({})
    .describe(
      "Tool name to the scope a caller needs to see and call it (both auth modes); without it: 403 `insufficient_scope`.",
    ),
  introspection: z
    .strictObject({
      endpoint: httpUrl.optional().describe("RFC 7662 endpoint; default: from the issuer's metadata."),
      clientId: nonEmpty.describe("Client id the runtime introspects as."),
      clientSecret: nonEmpty.optional().describe("Its secret; take it from the environment."),
    })
    .optional()
    .describe("Introspection of opaque (non-JWT) access tokens."),
  client: z
    .strictObject({
      id: nonEmpty.describe("Client id. `OAUTH_CLIENT_ID` beats it."),
      secret: nonEmpty.optional().describe("Client secret. `OAUTH_CLIENT_SECRET` beats it."),
      redirectUri: httpUrl.optional().describe("Redirect URI. `OAUTH_REDIRECT_URI` beats it."),
    })
    .optional()
    .describe(
      "The runtime's own client registration at the provider. Validated, but the resource server does not use it today.",
    ),
});

const authSchema = z
  .strictObject({
    mode: z
      .enum(["none", "tokens", "oauth"])
      .default("none")
      .describe(
        "`none`: the HTTP endpoint is open (keep it on loopback); `tokens`: static bearer tokens; `oauth`: OAuth 2.1 access tokens from your identity provider. stdio is never authenticated. Restart to change.",
      ),
    tokens: z
      .array(tokenSchema)
      .default([])
      .describe("Static tokens (`mode: tokens` needs at least one); a reload applies changes."),
    oauth: oauthSchema
      .optional()
      .describe("OAuth resource-server settings, and the per-tool scopes of either mode."),
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
  ttlSeconds: ttlSecondsSchema
    .optional()
    .describe("TTL of this rule; default `cache.ttlSeconds`; 0 turns caching off for it."),
  // "private" (default): one entry per caller; "public": one entry shared by every caller.
  scope: z
    .enum(["private", "public"])
    .default("private")
    .describe(
      "`private`: one entry per subject; `public`: one entry for everyone (only for data that does not depend on who asks).",
    ),
});

const cacheSchema = z.strictObject({
  backend: z
    .enum(["memory", "redis"])
    .default("memory")
    .describe(
      "`memory`: one cache per process; `redis`: shared by every node (needs `redis.url`). Restart to change.",
    ),
  // Default TTL of cached results (CACHE_TTL), also the ttlMs 2026-07-28 clients get for lists; 0
  // turns result caching off.
  ttlSeconds: ttlSecondsSchema
    .default(60)
    .describe(
      "Default TTL of cached results, also the `ttlMs` hint of 2026-07-28 list results; 0 turns result caching off. `CACHE_TTL` beats it.",
    ),
  // Off by default: encryption needs a key (MCP_CACHE_KEYS or `keyFile`) the operator provides.
  encrypt: z
    .boolean()
    .default(false)
    .describe(
      'AES-256-GCM at rest; keys from `MCP_CACHE_KEYS` (`"k2:<base64>,k1:<base64>"`, current first) or `keyFile`.',
    ),
  keyFile: nonEmpty
    .optional()
    .describe("File holding the key ring (same format as `MCP_CACHE_KEYS`), relative to the config file."),
  maxEntries: posInt.default(10_000).describe("Memory backend: most entries held (LRU)."),
  maxBytes: posInt
    .default(64 * MiB)
    .describe("Memory backend: most bytes held (LRU); keep it well above `largeResultBytes`."),
  // `resources/read` results are cached unless this is off (or a resource opts out).
  resources: z
    .boolean()
    .default(true)
    .describe("Cache `resources/read` of plugin resources (a resource may opt out)."),
  // Tool results are cached only for tools named here (or opted in by their plugin), and only
  // when the tool is annotated readOnlyHint + idempotentHint.
  tools: z
    .record(nonEmpty, cacheRuleSchema)
    .prefault({})
    .describe(
      "Tool results to cache, by tool name; only tools annotated `readOnlyHint` and `idempotentHint` are accepted.",
    ),
  // Tool results bigger than this come back as a resource_link to the stored result; 0 turns it off.
  largeResultBytes: nonNegInt
    .default(MiB)
    .describe(
      "Tool results bigger than this are stored and returned as a `resource_link`; 0 turns links off.",
    ),
  largeResultTtlSeconds: posInt.default(600).describe("How long a linked large result can be read back."),
});

const queueSchema = z.strictObject({
  backend: z
    .enum(["memory", "bullmq"])
    .default("memory")
    .describe(
      "`memory`: jobs run in this process; `bullmq`: jobs go through Redis to `mcp-runtime worker` processes (needs `redis.url`).",
    ),
  longCallMs: nonNegInt
    .default(5_000)
    .describe("A task-capable tool call still running after this becomes an MCP task (a job)."),
  concurrency: posInt.default(8).describe("Jobs run at once per process (or worker)."),
  resultTtlSeconds: posInt
    .default(3_600)
    .describe("How long a finished task's result can be fetched (and an `Idempotency-Key` joins its job)."),
});

/** A token bucket's size when none is given: one second's worth of requests, the usual default. */
export function defaultBurst(rps: number): number {
  return Math.max(1, Math.ceil(rps));
}

const withBurst = <T extends { rps?: number | undefined; burst?: number | undefined }>(rule: T) =>
  rule.rps === undefined ? rule : { ...rule, burst: rule.burst ?? defaultBurst(rule.rps) };

const limitsSchema = z.strictObject({
  backend: z
    .enum(["memory", "redis"])
    .default("memory")
    .describe(
      "`memory`: each process counts alone (N nodes let N times the limit through); `redis`: shared counts (needs `redis.url`). Restart to change.",
    ),
  // What a check does when the Redis limiter is unreachable: admit (and count it) or refuse.
  onBackendError: z
    .enum(["allow", "deny"])
    .default("allow")
    .describe(
      "What a tool call gets when the Redis limiter cannot answer within 1 s: admitted (`allow`) or refused with -32603 (`deny`).",
    ),
  perClient: z
    .strictObject({
      rps: z.number().positive().describe("Requests per second per client."),
      burst: posInt.optional().describe("Bucket size; default `ceil(rps)`."),
    })
    .transform(({ rps, burst }) => ({ rps, burst: burst ?? defaultBurst(rps) }))
    .optional()
    .describe(
      "A token bucket per client (its subject, else its IP) on HTTP and WebSocket; refused requests get 429 and -32029.",
    ),
  perTool: z
    .record(
      nonEmpty,
      z
        .strictObject({
          rps: z
            .number()
            .positive()
            .optional()
            .describe("Calls per second of this tool, shared by every caller."),
          burst: posInt.optional().describe("Bucket size; default `ceil(rps)`; needs `rps`."),
          dailyBudget: nonNegInt
            .optional()
            .describe("Cost units per subject per UTC day; 0 refuses every call."),
          monthlyBudget: nonNegInt.optional().describe("Cost units per subject per UTC month."),
          // Cost units one call charges to the budgets; overrides what the plugin declares.
          cost: posInt
            .optional()
            .describe("Units one call charges; beats the cost the plugin declares (default 1)."),
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
    .prefault({})
    .describe("Rate limits and budgets by tool name as clients see it."),
});

// Dot paths into a captured call's arguments and structuredContent ("user.email").
const redactPathSchema = z.string().regex(/^[^.]+(\.[^.]+)*$/, {
  error: 'must be a dot path of non-empty keys, e.g. "user.email"',
});

// Off unless tools are named: captured calls hold inputs and outputs, so each tool is opted in.
const captureSchema = z.strictObject({
  maxRecordBytes: posInt
    .default(65_536)
    .describe("A captured call (arguments and result) bigger than this is not captured."),
  tools: z
    .record(
      nonEmpty,
      z.strictObject({
        redact: z
          .array(redactPathSchema)
          .default([])
          .describe(
            'Dot paths into arguments and structured results to replace with `"[redacted]"` (e.g. `user.email`).',
          ),
      }),
    )
    .prefault({})
    .describe("Tools whose calls are captured, by name; none by default (inputs may hold personal data)."),
});

const telemetrySchema = z.strictObject({
  sidecar: urlOf(["ws", "wss"])
    .optional()
    .describe("The `mcp-sidecar` to send audit events to and take config pushes from (`ws://` or `wss://`)."),
  otlp: httpUrlSchema
    .optional()
    .describe(
      "OTLP/HTTP endpoint for OpenTelemetry traces; unset (and no `OTEL_EXPORTER_OTLP_*`): no tracing. `OTEL_EXPORTER_OTLP_ENDPOINT` beats it.",
    ),
  logLevel: logLevelSchema
    .default("info")
    .describe(
      "Log level of the JSON lines on stderr; `debug` adds one access line per request. `LOG_LEVEL` beats it.",
    ),
  metrics: z.boolean().default(true).describe("Prometheus `GET /metrics` on the HTTP port."),
  auditBufferEvents: posInt
    .default(100_000)
    .describe("Audit events held while the sidecar is away; older ones are dropped and counted past it."),
  capture: captureSchema
    .prefault({})
    .describe("Capture of tool calls for `mcp-sidecar replay` (off unless tools are named)."),
});

const evalNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, {
  error: 'must be 1 to 64 letters, digits, "_", "." or "-"',
});

// The CallToolResult fields an eval may pin; strict, so a misspelt field is an error, not a check
// that can never pass. `_meta` is never compared (the server adds its own).
const expectedResultSchema = z.strictObject({
  content: z.array(z.unknown()).optional().describe("Expected `content` items."),
  structuredContent: z.record(z.string(), z.unknown()).optional().describe("Expected `structuredContent`."),
  isError: z.boolean().optional().describe("Expected `isError`."),
});

const EXPECTATIONS = ["result", "schema", "match"] as const;

const evalExpectSchema = z
  .strictObject({
    result: expectedResultSchema
      .optional()
      .describe("The result must equal this (fields given only; `_meta` ignored)."),
    schema: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("The structured result (else the parsed text) must match this JSON Schema."),
    match: z.string().optional().describe("The result text must match this regular expression."),
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
  name: evalNameSchema.describe("Name of the check (metrics label, audit records, dashboard)."),
  tool: nonEmpty.describe("Tool to call, by the name clients see."),
  arguments: z.record(z.string(), z.unknown()).prefault({}).describe("Its arguments."),
  expect: evalExpectSchema.describe("Exactly one of `result`, `schema` or `match`."),
});

const evalsSchema = z
  .strictObject({
    intervalSeconds: z
      .number()
      .int()
      .min(1)
      .default(60)
      .describe(
        "Run the checks this often (also at start, after each applied reload, and on request from the dashboard).",
      ),
    timeoutMs: posInt.default(10_000).describe("A check taking longer fails."),
    checks: z.array(evalCheckSchema).default([]).describe("Synthetic tool calls and what they must return."),
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
    server: serverSchema.prefault({}).describe("Where and how the runtime listens."),
    plugins: z.array(pluginSchema).default([]).describe("Tool plugins to load, each in its sandbox."),
    upstreams: z
      .array(upstreamSchema)
      .default([])
      .describe("Existing MCP servers hosted behind the runtime (stdio subprocesses or remote URLs)."),
    auth: authSchema.prefault({}).describe("Who may call the HTTP and WebSocket endpoints."),
    cache: cacheSchema
      .prefault({})
      .describe("Caching of resource reads and opted-in tool results, and large results as links."),
    queue: queueSchema.prefault({}).describe("Long calls as MCP tasks, and batches."),
    limits: limitsSchema.prefault({}).describe("Rate limits and budgets."),
    telemetry: telemetrySchema.prefault({}).describe("Logs, metrics, traces, audit and capture."),
    evals: evalsSchema
      .prefault({})
      .describe("Synthetic checks that tell when a tool starts answering wrong."),
    redis: z
      .strictObject({
        url: redisUrlSchema
          .optional()
          .describe(
            "`redis://` or `rediss://` URL; required by any redis or bullmq backend. `REDIS_URL` beats it.",
          ),
      })
      .prefault({})
      .describe("The Redis that the `redis` backends (sessions, cache, limits) and `bullmq` share."),
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
