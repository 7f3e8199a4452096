/**
 * @module Telling a POSTed message's era, and refusing a request that asks for 2026-07-28 without
 * the `_meta` envelope. Shared by the express transport and the fetch handler; no I/O.
 */
import {
  claimsModernEra,
  ErrorCode,
  failure,
  isModernVersion,
  type JsonObject,
  type JsonRpcId,
  LEGACY_PROTOCOL_VERSIONS,
  MetaKey,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@mcp-runtime/protocol";

/**
 * Era of a single message: the `_meta` envelope decides; failing that, a version header that is no
 * 2025-era revision (and no session) makes it a modern request that will be refused precisely.
 */
export function isModernMessage(
  meta: unknown,
  header: string | string[] | undefined,
  hasSession: boolean,
): boolean {
  if (typeof meta === "object" && meta !== null && claimsModernEra(meta as JsonObject)) return true;
  if (typeof header !== "string") return false;
  const version = header.trim();
  if (isModernVersion(version)) return true;
  return !hasSession && !LEGACY_PROTOCOL_VERSIONS.includes(version);
}

/** An HTTP status and the JSON-RPC error body that goes with it. */
export interface Refusal {
  status: number;
  body: string;
}

/** The answer to a request that sent modern headers but no `_meta` envelope. */
export function envelopeRefusal(
  method: string,
  header: string | string[] | undefined,
  id: JsonRpcId | null,
): Refusal {
  const version = typeof header === "string" ? header.trim() : "";
  if (!isModernVersion(version)) {
    return {
      status: 400,
      body: JSON.stringify(failure(id, ErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version")),
    };
  }
  if (method === "initialize" || method === "ping") {
    // Removed in 2026-07-28 (spec §8.5/8.6); name the versions we serve so a legacy client can retry.
    return {
      status: 404,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id,
        error: {
          code: ErrorCode.MethodNotFound,
          message: `Method not found: ${method} (not part of 2026-07-28; sessions are served without MCP-Protocol-Version: 2026-07-28)`,
          data: { supported: SUPPORTED_PROTOCOL_VERSIONS },
        },
      }),
    };
  }
  return {
    status: 400,
    body: JSON.stringify(
      failure(
        id,
        ErrorCode.InvalidParams,
        `Invalid params: missing params._meta["${MetaKey.protocolVersion}"]`,
      ),
    ),
  };
}
