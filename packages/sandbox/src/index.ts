/** @module Public entry of @mcp-runtime/sandbox. */
export type { BreakerOptions } from "./breaker.js";
export type {
  BreakerState,
  Completion,
  CompletionRef,
  InputCheck,
  PluginHost,
  PluginPermissions,
  PoolHealth,
  SandboxPlugin,
  SandboxSettings,
} from "./contract.js";
export { SandboxError, type SandboxErrorCode } from "./errors.js";
export { SandboxExecutor } from "./executor.js";
export { grantedEnv } from "./host-process.js";
export { assertPermissions, comparePermissions, type PermissionReport } from "./permissions.js";
export { PluginPool, type PoolOptions } from "./pool.js";
