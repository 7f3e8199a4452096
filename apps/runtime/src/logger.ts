/** @module The runtime logs through the telemetry package's structured logger (shared with the sidecar). */
export { createLogger, type Logger, type LogLevel, scrub } from "@mcp-runtime/telemetry";
