/**
 * @module Requests to the runtime's own protocol server with no transport in between: each one a
 * stateless 2026-07-28 request handled by a server session, as a remote client's would be
 * (admission, routing, policy, sandbox, observer), as the evals do. Wire errors come back as the
 * protocol's `JsonRpcError`; a request past its timeout is cancelled like a client's.
 */
import {
  ErrorCode,
  type JsonObject,
  JsonRpcError,
  type JsonRpcResponse,
  MetaKey,
  MODERN_PROTOCOL_VERSION,
  type RequestChannel,
  type ServerSession,
} from "@mcp-runtime/protocol";
import { RUNTIME_VERSION } from "../version.js";
import { LocalRuntimeError } from "./errors.js";

/** Answers come back on the request's own promise; nothing is ever sent out of band. */
export const NO_PEER: RequestChannel = { send() {} };

// What a modern request carries in place of a session; no capability is declared, so the server
// never asks this client for input nor answers it with a task.
const META: JsonObject = {
  [MetaKey.protocolVersion]: MODERN_PROTOCOL_VERSION,
  [MetaKey.clientCapabilities]: {},
  [MetaKey.clientInfo]: { name: "mcp-runtime-local", version: RUNTIME_VERSION },
};

// The modern envelope of a result: how to cache it and who served it, not what it says.
const ENVELOPE_KEYS = ["resultType", "ttlMs", "cacheScope"] as const;

export class SessionClient {
  private seq = 0;

  constructor(private readonly session: ServerSession) {}

  async request(method: string, params: JsonObject, timeoutMs?: number): Promise<JsonObject> {
    const id = `local-${++this.seq}`;
    const call = this.session.handle({ jsonrpc: "2.0", id, method, params: { ...params, _meta: META } });
    let response: JsonRpcResponse | undefined | "timeout";
    if (timeoutMs === undefined) response = await call;
    else {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      try {
        response = await Promise.race([call, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    }
    if (response === "timeout") {
      // Cancelled like a client's call, so its sandbox work stops too.
      void this.session.handle({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId: id, reason: `timed out after ${timeoutMs} ms` },
      });
      throw new LocalRuntimeError("ERR_LOCAL_TIMEOUT", `${method} timed out after ${timeoutMs} ms`);
    }
    if (response === undefined) throw new LocalRuntimeError("ERR_LOCAL_CLOSED", `${method} was cancelled`);
    if ("error" in response) {
      const { code, message, data } = response.error;
      throw new JsonRpcError(code, message, data);
    }
    const { result } = response;
    if (result.resultType === "input_required")
      throw new LocalRuntimeError(
        "ERR_LOCAL_INPUT_REQUIRED",
        `${method} asked the client for input (elicitation, sampling or roots), which a local runtime cannot give`,
      );
    return withoutEnvelope(result);
  }

  /** Every page of a list method, in order. */
  async list(method: string, key: string): Promise<JsonObject[]> {
    const items: JsonObject[] = [];
    let cursor: string | undefined;
    do {
      let page: JsonObject;
      try {
        page = await this.request(method, cursor === undefined ? {} : { cursor });
      } catch (cause) {
        // A server offers no list method for a kind it has none of (capabilities): an empty list.
        if (cause instanceof JsonRpcError && cause.code === ErrorCode.MethodNotFound) return items;
        throw cause;
      }
      const listed = page[key];
      if (Array.isArray(listed)) items.push(...(listed as JsonObject[]));
      cursor = typeof page.nextCursor === "string" ? page.nextCursor : undefined;
    } while (cursor !== undefined);
    return items;
  }
}

function withoutEnvelope(result: JsonObject): JsonObject {
  const out: JsonObject = { ...result };
  for (const key of ENVELOPE_KEYS) delete out[key];
  const meta = out._meta;
  if (typeof meta === "object" && meta !== null && !Array.isArray(meta)) {
    const { [MetaKey.serverInfo]: _server, ...rest } = meta as JsonObject;
    if (Object.keys(rest).length === 0) delete out._meta;
    else out._meta = rest;
  }
  return out;
}
