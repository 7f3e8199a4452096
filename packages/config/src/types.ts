/** @module Plain TypeScript types of a validated runtime config (what consumers hold after loading). */

export type Transport = "stdio" | "http";
export type SessionStoreKind = "memory" | "redis";
export type SandboxMode = "worker" | "process";
export type AuthMode = "none" | "tokens" | "oauth";
export type CacheBackend = "memory" | "redis";
export type QueueBackend = "memory" | "bullmq";
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface ServerConfig {
  name: string;
  transport: Transport;
  host: string;
  port: number;
  /** Origins accepted on HTTP requests; empty means only same-host origins (DNS rebinding guard). */
  allowedOrigins: string[];
  /** Host header values accepted; empty means the runtime derives them from `host`. */
  allowedHosts: string[];
  sessions: SessionStoreKind;
  sessionIdleTimeoutMs: number;
  maxSessions: number;
  /**
   * Largest accepted message on every transport (stdio line, HTTP body, WebSocket message); larger
   * ones get a JSON-RPC error naming this limit. The deprecated `maxBodyBytes` key sets it too.
   */
  maxMessageBytes: number;
  shutdownGraceMs: number;
  /** JSON replies at least this big are compressed per Accept-Encoding; 0: never. */
  compressAboveBytes: number;
  /** reverse proxies trusted to append to X-Forwarded-For (client IPs for per-client limits) */
  trustProxyHops: number;
}

export interface SandboxFsConfig {
  read: string[];
  write: string[];
}

export interface SandboxNetConfig {
  allow: string[];
}

/** The crash circuit breaker: `maxCrashes` within `windowMs` open it; it stays open `openMs`. */
export interface SandboxBreakerConfig {
  maxCrashes: number;
  windowMs: number;
  openMs: number;
}

export interface SandboxConfig {
  mode: SandboxMode;
  timeoutMs: number;
  maxMemoryMb: number;
  poolSize: number;
  fs: SandboxFsConfig;
  net: SandboxNetConfig;
  /** Names of environment variables the plugin may read. */
  env: string[];
  /** Absent: the sandbox defaults (5 crashes in 60 s, open 30 s). */
  breaker?: SandboxBreakerConfig;
}

/** Exactly one of `package` and `path` is set (the schema enforces it). */
export interface PluginEntry {
  package?: string;
  /** Absolute after loading (resolved against the config file's directory). */
  path?: string;
  /** When absent, the runtime uses the plugin's own name. */
  id?: string;
  config: Record<string, unknown>;
  sandbox: SandboxConfig;
}

/** Exactly one of `command` (stdio subprocess) and `url` (remote server) is set. */
export interface UpstreamEntry {
  id: string;
  command?: string;
  args: string[];
  env: Record<string, string>;
  /** Absolute after loading (resolved against the config file's directory). */
  cwd?: string;
  /** stdio: a process whose RSS stays above this is restarted */
  maxMemoryMb?: number;
  url?: string;
  headers: Record<string, string>;
  /** Set ("auto" by default) exactly when `url` is. */
  transport?: UpstreamTransport;
  oauth?: UpstreamOAuthConfig;
  /** Prefix of the upstream's names in the catalogue; absent means `"<id>."`, `""` none. */
  namespace?: string;
  sharing: UpstreamSharing;
  maxSessions: number;
  idleTimeoutSeconds: number;
  timeoutMs: number;
  /** 0: no health checks */
  healthIntervalSeconds: number;
  restart: UpstreamRestartConfig;
}

/** "auto": Streamable HTTP, then the legacy HTTP+SSE endpoints if the first POST gets a 4xx. */
export type UpstreamTransport = "auto" | "streamable" | "sse";

/** "shared": one upstream session for every caller; "perSession": one per downstream session. */
export type UpstreamSharing = "shared" | "perSession";

/** Client-credentials grant (RFC 6749 section 4.4) for a remote upstream. */
export interface UpstreamOAuthConfig {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scopes?: string[];
  audience?: string;
}

export interface UpstreamRestartConfig {
  backoffMs: number;
  maxBackoffMs: number;
}

export interface StaticToken {
  /** Lowercase hex SHA-256 of the bearer token; the token itself never appears in config. */
  sha256: string;
  subject: string;
  scopes: string[];
}

export interface OAuthClientConfig {
  id: string;
  secret?: string;
  redirectUri?: string;
}

export interface OAuthIntrospectionConfig {
  /** When absent, taken from the authorization server's metadata. */
  endpoint?: string;
  clientId: string;
  clientSecret?: string;
}

export interface OAuthConfig {
  /** Required when `auth.mode` is "oauth". */
  issuer?: string;
  /** Required when `auth.mode` is "oauth". */
  audience?: string;
  /** Tool name to the scope a caller needs to call it. */
  scopes: Record<string, string>;
  introspection?: OAuthIntrospectionConfig;
  client?: OAuthClientConfig;
}

export interface AuthConfig {
  mode: AuthMode;
  tokens: StaticToken[];
  oauth?: OAuthConfig;
}

export type CacheScope = "private" | "public";

/** Caching of one tool's results (opt-in). */
export interface CacheRule {
  /** Absent: `cache.ttlSeconds`. */
  ttlSeconds?: number;
  /** "private": one entry per caller (subject); "public": shared by every caller. */
  scope: CacheScope;
}

export interface CacheConfig {
  backend: CacheBackend;
  /** default TTL of cached results; 0 turns result caching off */
  ttlSeconds: number;
  /** AES-256-GCM at rest; the key comes from `MCP_CACHE_KEYS` or `keyFile` */
  encrypt: boolean;
  /** Absolute after loading (resolved against the config file's directory). */
  keyFile?: string;
  maxEntries: number;
  maxBytes: number;
  /** cache `resources/read` results */
  resources: boolean;
  /** tools whose results are cached, by name (they must be readOnlyHint + idempotentHint) */
  tools: Record<string, CacheRule>;
  /** tool results bigger than this are returned as a `resource_link`; 0: never */
  largeResultBytes: number;
  largeResultTtlSeconds: number;
}

export interface QueueConfig {
  backend: QueueBackend;
  longCallMs: number;
  concurrency: number;
  resultTtlSeconds: number;
}

export interface RateLimit {
  rps: number;
  burst: number;
}

export interface ToolLimit {
  rps?: number;
  /** set (defaulted from rps) whenever `rps` is */
  burst?: number;
  dailyBudget?: number;
  monthlyBudget?: number;
  /** cost units a call charges to the budgets (beats the plugin's declaration); default 1 */
  cost?: number;
}

export type LimitsBackend = "memory" | "redis";

export interface LimitsConfig {
  backend: LimitsBackend;
  /** what a check does when the Redis limiter is unreachable */
  onBackendError: "allow" | "deny";
  /** Absent means no per-client limit. */
  perClient?: RateLimit;
  perTool: Record<string, ToolLimit>;
}

export interface TelemetryConfig {
  /** `ws://host:port` of the sidecar this runtime sends audit events to and takes config from */
  sidecar?: string;
  /** OTLP/HTTP base URL for traces (`OTEL_EXPORTER_OTLP_ENDPOINT`); unset, tracing is off */
  otlp?: string;
  logLevel: LogLevel;
  /** Prometheus `/metrics` on the HTTP port and request metrics on the hot path */
  metrics: boolean;
  /** audit events held while the sidecar is away; older ones are dropped (and counted) past this */
  auditBufferEvents: number;
  capture: CaptureConfig;
}

/** Capture of calls (inputs and outputs) sent to the sidecar for replay; off unless `tools` names some. */
export interface CaptureConfig {
  /** a call whose captured JSON is larger is not captured (counted, logged once per tool) */
  maxRecordBytes: number;
  /** tools whose calls are captured, by name as clients see it */
  tools: Record<string, CaptureRule>;
}

export interface CaptureRule {
  /** dot paths into the arguments and the result's structuredContent replaced by "[redacted]" */
  redact: string[];
}

/** Synthetic checks run through the runtime's own protocol path (start, schedule, reload, operator). */
export interface EvalsConfig {
  /** period of the scheduled runs */
  intervalSeconds: number;
  /** per check */
  timeoutMs: number;
  checks: EvalCheck[];
}

export interface EvalCheck {
  /** unique among the checks */
  name: string;
  /** tool name as clients see it */
  tool: string;
  arguments: Record<string, unknown>;
  expect: EvalExpect;
}

/** Exactly one of `result`, `schema` and `match` is set (the schema enforces it). */
export interface EvalExpect {
  /** each field given must deep-equal the actual result's (fields not given are not compared) */
  result?: EvalExpectedResult;
  /** JSON Schema for structuredContent when the result has one, else for the result (without `_meta`) */
  schema?: Record<string, unknown>;
  /** a regular expression tested against the text contents joined with "\n" */
  match?: string;
}

export interface EvalExpectedResult {
  content?: unknown[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface RedisConfig {
  url?: string;
}

export interface RuntimeConfig {
  server: ServerConfig;
  plugins: PluginEntry[];
  upstreams: UpstreamEntry[];
  auth: AuthConfig;
  cache: CacheConfig;
  queue: QueueConfig;
  limits: LimitsConfig;
  telemetry: TelemetryConfig;
  evals: EvalsConfig;
  redis: RedisConfig;
}

/** A top-level section of the config. */
export type ConfigSection = keyof RuntimeConfig;
