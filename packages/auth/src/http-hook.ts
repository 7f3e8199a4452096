/**
 * @module Node adapters of the authenticator for the runtime's transports, typed structurally so
 * this package needs no transport: the HTTP transport's `authenticate(req)` hook (with a per-tool
 * grant), the WebSocket upgrade hook, and the RFC 9728 metadata route handler.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Authenticator } from "./authenticator.js";
import type { AuthDecision, Principal } from "./types.js";

export interface HttpAuthRefusal {
  status: 401 | 403;
  message: string;
  headers?: Record<string, string>;
}

/** Same shape as `@mcp-runtime/transport-http`'s `AuthOutcome`. */
export type HttpAuthOutcome =
  | {
      ok: true;
      subject?: string;
      grant?: { readonly key: string; refuse(toolName: string): HttpAuthRefusal | undefined };
    }
  | ({ ok: false } & HttpAuthRefusal);

export interface HttpAuthHookOptions {
  /** Absolute URL of the MCP endpoint the request reached (what the challenge points clients at). */
  resourceUrl(request: IncomingMessage): string;
  onAuthenticated?(principal: Principal, request: IncomingMessage): void;
  onRefused?(
    refusal: { status: number; error?: string; description: string },
    request: IncomingMessage,
  ): void;
}

function toRefusal(decision: AuthDecision & { ok: false }): HttpAuthRefusal {
  return {
    status: decision.status,
    message:
      decision.status === 401
        ? `Unauthorized: ${decision.description}`
        : `Forbidden: ${decision.description}`,
    headers: { "www-authenticate": decision.wwwAuthenticate },
  };
}

type Checked = { ok: true; principal: Principal; resourceUrl: string } | ({ ok: false } & HttpAuthRefusal);

/**
 * The part both hooks share: take the token off the request (nothing past this point, handlers,
 * plugins or upstream clients, gets to see it), authenticate it, and report either way.
 */
async function check(
  auth: Authenticator,
  options: HttpAuthHookOptions,
  request: IncomingMessage,
): Promise<Checked> {
  const resourceUrl = options.resourceUrl(request);
  const header = request.headers.authorization;
  delete request.headers.authorization;
  const decision = await auth.authenticate(header, resourceUrl);
  if (!decision.ok) {
    options.onRefused?.(
      {
        status: decision.status,
        ...(decision.error ? { error: decision.error } : {}),
        description: decision.description,
      },
      request,
    );
    return { ok: false, ...toRefusal(decision) };
  }
  options.onAuthenticated?.(decision.principal, request);
  return { ok: true, principal: decision.principal, resourceUrl };
}

export function createHttpAuthHook(
  auth: Authenticator,
  options: HttpAuthHookOptions,
): (request: IncomingMessage) => Promise<HttpAuthOutcome> {
  return async (request) => {
    const checked = await check(auth, options, request);
    if (!checked.ok) return checked;
    const { principal, resourceUrl } = checked;
    return {
      ok: true,
      subject: principal.subject,
      grant: {
        key: auth.policy.grantKey(principal),
        refuse(toolName) {
          const refused = auth.authorizeTool(principal, toolName, resourceUrl);
          if (refused === undefined) return undefined;
          options.onRefused?.(
            { status: 403, error: "insufficient_scope", description: refused.description },
            request,
          );
          return toRefusal(refused);
        },
      },
    };
  };
}

/** Same shape as `@mcp-runtime/transport-ws`'s `WebSocketAuthOutcome`. */
export type WebSocketAuthOutcome =
  | { ok: true; subject: string; toolFilter: (toolName: string) => boolean }
  | ({ ok: false } & HttpAuthRefusal);

/**
 * The WebSocket upgrade hook. A WebSocket session has no per-request edge to answer 403 at, so
 * the principal's per-tool scopes become the session's tool filter: tools it may not call are left
 * out of `tools/list` and answer "Unknown tool". A refused upgrade carries the same
 * `WWW-Authenticate` challenge as an HTTP 401.
 */
export function createWebSocketAuthHook(
  auth: Authenticator,
  options: HttpAuthHookOptions,
): (request: IncomingMessage) => Promise<WebSocketAuthOutcome> {
  return async (request) => {
    const checked = await check(auth, options, request);
    if (!checked.ok) return checked;
    const { principal, resourceUrl } = checked;
    return {
      ok: true,
      subject: principal.subject,
      toolFilter: (toolName) => auth.authorizeTool(principal, toolName, resourceUrl) === undefined,
    };
  };
}

/** Serves the RFC 9728 document (GET/HEAD; CORS-open so browser-based clients can read it). */
export function createMetadataHandler(
  auth: Authenticator,
  resourceUrl: (request: IncomingMessage) => string,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const body = JSON.stringify(auth.metadata(resourceUrl(request)));
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "cache-control": "public, max-age=3600",
      "access-control-allow-origin": "*",
    });
    response.end(request.method === "HEAD" ? undefined : body);
  };
}
