/** @module The one error family of @mcp-runtime/auth: a base class with a stable string `code`. */

export type AuthErrorCode =
  | "ERR_AUTH_DISCOVERY"
  | "ERR_AUTH_CONFIG"
  | "ERR_AUTH_INTROSPECTION"
  | "ERR_AUTH_OPERATOR_LOGIN";

export class AuthError extends Error {
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AuthError";
    this.code = code;
  }
}
