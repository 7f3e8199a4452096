/**
 * @module `createAuthenticator(settings)`: the framework-free core. One call per request turns an
 * `Authorization` header into a principal or a refusal with its `WWW-Authenticate` header; a
 * second check decides whether that principal may call a tool (403 `insufficient_scope`).
 * Infrastructure failures (issuer unreachable) throw `AuthError`: they are not the client's fault.
 */
import { bearerToken, refusal } from "./challenge.js";
import { OAuthVerifier, TokenRejected } from "./oauth-verifier.js";
import {
  buildResourceMetadata,
  type ProtectedResourceMetadata,
  resourceMetadataUrl,
} from "./resource-metadata.js";
import { createToolScopePolicy, type ToolScopePolicy } from "./scope-policy.js";
import { StaticTokenVerifier } from "./static-tokens.js";
import type { AuthDecision, AuthSettings, Principal } from "./types.js";

export interface AuthenticatorOptions {
  /** Clock skew allowed on `exp`/`nbf`. Default 30 s. */
  clockToleranceSec?: number;
  /** Least time between two JWKS fetches (unknown `kid`s inside it are refused). Default 30 s. */
  jwksCooldownMs?: number;
  /** Keys are refetched after this long even without an unknown `kid`. Default 10 min. */
  jwksCacheMaxAgeMs?: number;
  /** Timeout of discovery, JWKS and introspection requests. Default 5 s. */
  timeoutMs?: number;
  /** `resource_name` of the metadata document. */
  resourceName?: string;
}

export interface Authenticator {
  readonly mode: "tokens" | "oauth";
  readonly policy: ToolScopePolicy;
  /** `resourceUrl`: the absolute URL of the MCP endpoint this request reached (for the challenge). */
  authenticate(authorization: string | undefined, resourceUrl: string): Promise<AuthDecision>;
  /** The 403 for a tool call this principal may not make, or undefined when it may. */
  authorizeTool(
    principal: Principal,
    toolName: string,
    resourceUrl: string,
  ): (AuthDecision & { ok: false }) | undefined;
  /** RFC 9728 document for the resource at `resourceUrl`. */
  metadata(resourceUrl: string): ProtectedResourceMetadata;
  /** The canonical resource URI when configured (`oauth.audience`), else undefined. */
  readonly audience: string | undefined;
  /** Discovers the issuer ahead of the first request (oauth mode); resolves at once in tokens mode. */
  ready(): Promise<void>;
  /** Takes a reloaded `auth` section: new static tokens and tool scopes apply to the next request. */
  update(settings: AuthSettings): void;
}

export function createAuthenticator(
  settings: AuthSettings,
  options: AuthenticatorOptions = {},
): Authenticator {
  if (settings.mode !== "tokens" && settings.mode !== "oauth") {
    throw new TypeError('"auth.mode" must be "tokens" or "oauth" to create an authenticator');
  }
  const mode = settings.mode;
  const clockToleranceSec = options.clockToleranceSec ?? 30;
  const oauth =
    mode === "oauth"
      ? new OAuthVerifier(settings.oauth ?? {}, {
          clockToleranceSec,
          jwksCooldownMs: options.jwksCooldownMs ?? 30_000,
          jwksCacheMaxAgeMs: options.jwksCacheMaxAgeMs ?? 600_000,
          timeoutMs: options.timeoutMs ?? 5_000,
        })
      : undefined;
  const statics = mode === "tokens" ? new StaticTokenVerifier(settings.tokens ?? []) : undefined;
  let policy = createToolScopePolicy(settings.oauth?.scopes);
  const authorizationServers = oauth === undefined ? [] : [oauth.issuerUrl];

  const challengeScopes = () => policy.scopes;

  const authenticator: Authenticator = {
    mode,
    get policy() {
      return policy;
    },
    audience: settings.oauth?.audience,
    async authenticate(authorization, resourceUrl) {
      const metadataUrl = resourceMetadataUrl(resourceUrl);
      const token = bearerToken(authorization);
      if (token === null) {
        return refusal({
          status: 401,
          resourceMetadataUrl: metadataUrl,
          scopes: challengeScopes(),
          description: "authorization required",
        });
      }
      if (token === undefined) {
        return refusal({
          status: 401,
          resourceMetadataUrl: metadataUrl,
          scopes: challengeScopes(),
          error: "invalid_request",
          description: "the Authorization header must be a Bearer token",
        });
      }
      let principal: Principal | undefined;
      let reason = "unknown token";
      if (statics !== undefined) principal = statics.verify(token);
      else if (oauth !== undefined) {
        try {
          principal = await oauth.verify(token);
        } catch (cause) {
          if (!(cause instanceof TokenRejected)) throw cause;
          reason = cause.message;
        }
      }
      if (principal === undefined) {
        return refusal({
          status: 401,
          resourceMetadataUrl: metadataUrl,
          scopes: challengeScopes(),
          error: "invalid_token",
          description: reason,
        });
      }
      return { ok: true, principal };
    },
    authorizeTool(principal, toolName, resourceUrl) {
      const needed = policy.requiredScope(toolName);
      if (needed === undefined || principal.scopes.includes(needed)) return undefined;
      // RFC 6750 §3.1: the scope this call needs; MCP clients add it to what they hold (step-up).
      return refusal({
        status: 403,
        resourceMetadataUrl: resourceMetadataUrl(resourceUrl),
        scopes: [needed],
        error: "insufficient_scope",
        description: `tool "${toolName}" needs scope "${needed}"`,
      });
    },
    metadata(resourceUrl) {
      return buildResourceMetadata({
        resource: settings.oauth?.audience ?? resourceUrl,
        authorizationServers,
        scopes: policy.scopes,
        ...(options.resourceName === undefined ? {} : { resourceName: options.resourceName }),
      });
    },
    async ready() {
      if (oauth !== undefined) await oauth.ready();
    },
    update(next) {
      if (next.mode !== mode) {
        throw new TypeError(`"auth.mode" changed from "${mode}" to "${next.mode}": a restart is needed`);
      }
      if (statics !== undefined) statics.update(next.tokens ?? []);
      policy = createToolScopePolicy(next.oauth?.scopes);
    },
  };
  return authenticator;
}
