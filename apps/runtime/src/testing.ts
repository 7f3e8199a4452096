/**
 * @module `@mcp-runtime/runtime/testing`: what a plugin author's tests import to run their plugin
 * in the real runtime (sandbox workers, policy, protocol server) without a transport.
 */
export {
  LocalRuntimeError,
  type LocalRuntimeErrorCode,
} from "./local/errors.js";
export type { LocalConfigSource } from "./local/local-config.js";
export {
  type LocalCallOptions,
  type LocalRuntime,
  type LocalRuntimeOptions,
  startLocalRuntime,
} from "./local/local-runtime.js";
