/**
 * @module `mcp-runtime call --url`: the tool is called on a served runtime (or any MCP server) over
 * Streamable HTTP with the official SDK client. The bearer token comes from MCP_TOKEN only, never a
 * flag, so it stays out of shell history and `ps`.
 */

import type { CallToolResult } from "@mcp-runtime/protocol";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError, ErrorCode as SdkErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { RUNTIME_VERSION } from "../version.js";
import { type CallTarget, CallTargetError, isUnknownTool } from "./call-target.js";

/** Without --timeout-ms a call may run as long as the runtime lets a client request run (10 min). */
const DEFAULT_TIMEOUT_MS = 600_000;

export async function connectRemote(url: URL, token: string | undefined): Promise<CallTarget> {
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: "mcp-runtime-call", version: RUNTIME_VERSION });
  try {
    await client.connect(transport);
  } catch (cause) {
    await client.close().catch(() => {});
    throw fromRemote(cause, url, token);
  }
  return {
    async listToolNames() {
      const names: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? {} : { cursor });
        names.push(...page.tools.map((tool) => tool.name));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return names;
    },
    async callTool(name, args, timeoutMs) {
      try {
        const result = await client.callTool({ name, arguments: args }, undefined, {
          timeout: timeoutMs ?? DEFAULT_TIMEOUT_MS,
        });
        return result as CallToolResult;
      } catch (cause) {
        throw fromRemote(cause, url, token, timeoutMs);
      }
    },
    close: () => client.close(),
  };
}

function fromRemote(
  cause: unknown,
  url: URL,
  token: string | undefined,
  timeoutMs?: number,
): CallTargetError {
  if (cause instanceof StreamableHTTPError && cause.code === 401)
    return new CallTargetError(
      "ERR_CALL_UNAUTHORIZED",
      token === undefined
        ? `${url.href} requires a bearer token (401): set MCP_TOKEN`
        : `${url.href} refused the token in MCP_TOKEN (401): set MCP_TOKEN to a valid token`,
      { cause },
    );
  if (cause instanceof McpError) {
    if (isUnknownTool(cause.code, cause.message))
      return new CallTargetError("ERR_CALL_UNKNOWN_TOOL", cause.message, { cause });
    if (cause.code === SdkErrorCode.RequestTimeout)
      return new CallTargetError(
        "ERR_CALL_TIMEOUT",
        `no answer within ${timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`,
        {
          cause,
        },
      );
    return new CallTargetError("ERR_CALL_FAILED", cause.message, { cause });
  }
  const reason = describe(cause);
  return new CallTargetError("ERR_CALL_UNAVAILABLE", `cannot reach ${url.href}: ${reason}`, { cause });
}

/** fetch() hides the socket error (ECONNREFUSED, ENOTFOUND) in its `cause`. */
function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause;
  if (inner instanceof Error && "code" in inner && typeof inner.code === "string")
    return `${cause.message} (${inner.code})`;
  return cause.message;
}
