/** @module Public entry of @mcp-runtime/config: schema, loading, validation, issues and diffs of the runtime config. */
export { type ConfigChange, diffConfig } from "./diff.js";
export { CONFIG_ENV_VARS, type ConfigFlags } from "./env.js";
export { ConfigError, type ConfigErrorCode, type ConfigFailure } from "./errors.js";
export { type ConfigIssue, formatIssues } from "./issues.js";
export {
  type LoadConfigOptions,
  type LoadConfigResult,
  type LoadedConfig,
  loadConfig,
  loadConfigOrThrow,
} from "./load.js";
export { type ReadResult, readConfigFile } from "./read-file.js";
export { defaultBurst, type RuntimeConfigInput, runtimeConfigSchema } from "./schema.js";
export type {
  AuthConfig,
  AuthMode,
  CacheBackend,
  CacheConfig,
  CacheRule,
  CacheScope,
  CaptureConfig,
  CaptureRule,
  ConfigSection,
  EvalCheck,
  EvalExpect,
  EvalExpectedResult,
  EvalsConfig,
  LimitsBackend,
  LimitsConfig,
  LogLevel,
  OAuthClientConfig,
  OAuthConfig,
  OAuthIntrospectionConfig,
  PluginEntry,
  QueueBackend,
  QueueConfig,
  RateLimit,
  RedisConfig,
  RuntimeConfig,
  SandboxBreakerConfig,
  SandboxConfig,
  SandboxFsConfig,
  SandboxMode,
  SandboxNetConfig,
  ServerConfig,
  SessionStoreKind,
  StaticToken,
  TelemetryConfig,
  ToolLimit,
  Transport,
  UpstreamEntry,
  UpstreamOAuthConfig,
  UpstreamRestartConfig,
  UpstreamSharing,
  UpstreamTransport,
} from "./types.js";
export { type ValidateConfigOptions, type ValidateConfigResult, validateConfig } from "./validate.js";
