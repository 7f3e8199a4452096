/** @module The placeholder the runtime's capture writes in place of a redacted field (apps/runtime telemetry/capture.ts). */
export const REDACTED = "[redacted]";
