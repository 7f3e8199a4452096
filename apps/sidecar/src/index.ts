/** @module Public entry of @mcp-runtime/sidecar: start a sidecar in process, load its config, verify audit files. */
export { AuditLog, verifyAuditFiles } from "./audit/index.js";
export {
  type LoadedSidecarConfig,
  loadSidecarConfig,
  type SidecarConfig,
  sidecarConfigSchema,
} from "./config.js";
export { type RunningSidecar, type StartSidecarOptions, startSidecar } from "./sidecar.js";
