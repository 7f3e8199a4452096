/** @module Protocol revisions this package speaks, newest first, and the `_meta` keys of 2026-07-28. */

export const MODERN_PROTOCOL_VERSION = "2026-07-28";

/** Stateless revisions: version and capabilities travel in every request's `_meta`. */
export const MODERN_PROTOCOL_VERSIONS: readonly string[] = [MODERN_PROTOCOL_VERSION];

/** Session-based revisions negotiated by `initialize`, newest first. */
export const LEGACY_PROTOCOL_VERSIONS: readonly string[] = [
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
];

export const LATEST_LEGACY_PROTOCOL_VERSION = "2025-11-25";

export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = [
  ...MODERN_PROTOCOL_VERSIONS,
  ...LEGACY_PROTOCOL_VERSIONS,
];

/** The revision a 2025-era HTTP request without `MCP-Protocol-Version` is assumed to speak (spec 2025-06-18+). */
export const DEFAULT_LEGACY_HTTP_VERSION = "2025-03-26";

export const MetaKey = {
  protocolVersion: "io.modelcontextprotocol/protocolVersion",
  clientCapabilities: "io.modelcontextprotocol/clientCapabilities",
  clientInfo: "io.modelcontextprotocol/clientInfo",
  logLevel: "io.modelcontextprotocol/logLevel",
  serverInfo: "io.modelcontextprotocol/serverInfo",
  subscriptionId: "io.modelcontextprotocol/subscriptionId",
  relatedTask: "io.modelcontextprotocol/related-task",
} as const;

export function isModernVersion(version: string): boolean {
  return MODERN_PROTOCOL_VERSIONS.includes(version);
}

/** Batches were allowed in 2025-03-26 only (added then, removed in 2025-06-18). */
export function allowsBatches(version: string): boolean {
  return version === "2025-03-26";
}
