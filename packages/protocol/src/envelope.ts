/** @module Reading the 2026-07-28 per-request `_meta` envelope: checked once, at the edge. */
import { ErrorCode, JsonRpcError } from "./errors.js";
import type { ClientCapabilities, Implementation, JsonObject, LoggingLevel } from "./types.js";
import { LOGGING_LEVELS } from "./types.js";
import { MetaKey, MODERN_PROTOCOL_VERSIONS } from "./versions.js";

export interface ModernEnvelope {
  protocolVersion: string;
  clientCapabilities: ClientCapabilities;
  clientInfo: Implementation | undefined;
  logLevel: LoggingLevel | undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when the request claims the modern era (either required key present). */
export function claimsModernEra(meta: JsonObject | undefined): boolean {
  return meta !== undefined && (MetaKey.protocolVersion in meta || MetaKey.clientCapabilities in meta);
}

/** Validates the envelope; throws the JSON-RPC error the spec names for each failure. */
export function readModernEnvelope(meta: JsonObject): ModernEnvelope {
  const version = meta[MetaKey.protocolVersion];
  if (typeof version !== "string") {
    throw new JsonRpcError(
      ErrorCode.InvalidParams,
      `Invalid params: params._meta["${MetaKey.protocolVersion}"] is required and must be a string`,
    );
  }
  if (!MODERN_PROTOCOL_VERSIONS.includes(version)) {
    throw new JsonRpcError(ErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version", {
      // The versions a modern request may name (the same list server/discover returns); 2025-era
      // revisions are reached through initialize, not through this envelope.
      supported: MODERN_PROTOCOL_VERSIONS,
      requested: version,
    });
  }
  const capabilities = meta[MetaKey.clientCapabilities];
  if (!isObject(capabilities)) {
    throw new JsonRpcError(
      ErrorCode.InvalidParams,
      `Invalid params: params._meta["${MetaKey.clientCapabilities}"] is required and must be an object`,
    );
  }
  const info = meta[MetaKey.clientInfo];
  const level = meta[MetaKey.logLevel];
  if (level !== undefined && !LOGGING_LEVELS.includes(level as LoggingLevel)) {
    throw new JsonRpcError(ErrorCode.InvalidParams, `Invalid params: unknown log level "${String(level)}"`);
  }
  return {
    protocolVersion: version,
    clientCapabilities: capabilities as ClientCapabilities,
    clientInfo: isObject(info) ? (info as unknown as Implementation) : undefined,
    logLevel: level as LoggingLevel | undefined,
  };
}
