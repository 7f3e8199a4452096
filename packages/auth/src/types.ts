/**
 * @module The data @mcp-runtime/auth works on: the `auth` section of the runtime config (declared
 * here structurally, so this package depends on no other workspace package), the principal a valid
 * token yields, and the decision `authenticate` returns.
 */

export type AuthMode = "none" | "tokens" | "oauth";

export interface StaticTokenEntry {
  /** Lowercase hex SHA-256 of the bearer token. */
  readonly sha256: string;
  readonly subject: string;
  readonly scopes: readonly string[];
}

export interface OAuthSettings {
  readonly issuer?: string;
  /** The runtime's canonical resource URI (RFC 8707), e.g. `https://mcp.example.com/mcp`. */
  readonly audience?: string;
  /** Tool name → the scope a caller needs to see and call it. */
  readonly scopes?: Readonly<Record<string, string>>;
  readonly introspection?: {
    readonly endpoint?: string;
    readonly clientId: string;
    readonly clientSecret?: string;
  };
  readonly client?: { readonly id: string; readonly secret?: string; readonly redirectUri?: string };
}

/** The `auth` config section (same shape as `@mcp-runtime/config`'s `AuthConfig`). */
export interface AuthSettings {
  readonly mode: AuthMode;
  readonly tokens?: readonly StaticTokenEntry[];
  readonly oauth?: OAuthSettings;
}

/** Who is calling. Never holds the token itself. */
export interface Principal {
  readonly subject: string;
  readonly scopes: readonly string[];
  readonly clientId?: string;
  /** Seconds since the epoch. */
  readonly expiresAt?: number;
}

export type AuthFailureError = "invalid_request" | "invalid_token" | "insufficient_scope";

export type AuthDecision =
  | { readonly ok: true; readonly principal: Principal }
  | {
      readonly ok: false;
      readonly status: 401 | 403;
      /** The full `WWW-Authenticate` header value. */
      readonly wwwAuthenticate: string;
      /** Absent for a request that carried no credentials (RFC 6750 §3.1). */
      readonly error?: AuthFailureError;
      /** Safe to show the client; never contains the token. */
      readonly description: string;
    };
