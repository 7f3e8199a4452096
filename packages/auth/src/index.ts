/** @module Public entry of @mcp-runtime/auth: OAuth 2.1 resource server, static tokens, RFC 9728 metadata. */
export {
  type Authenticator,
  type AuthenticatorOptions,
  createAuthenticator,
} from "./authenticator.js";
export { bearerChallenge } from "./challenge.js";
export { AuthError, type AuthErrorCode } from "./errors.js";
export {
  createHttpAuthHook,
  createMetadataHandler,
  createWebSocketAuthHook,
  type HttpAuthHookOptions,
  type HttpAuthOutcome,
  type HttpAuthRefusal,
  type WebSocketAuthOutcome,
} from "./http-hook.js";
export { ALLOWED_ALGORITHMS } from "./oauth-verifier.js";
export {
  buildResourceMetadata,
  type ProtectedResourceMetadata,
  resourceMetadataPaths,
  resourceMetadataUrl,
  WELL_KNOWN_RESOURCE_PATH,
} from "./resource-metadata.js";
export { createToolScopePolicy, type ToolScopePolicy } from "./scope-policy.js";
export { type MintedToken, mintStaticToken } from "./static-tokens.js";
export type {
  AuthDecision,
  AuthFailureError,
  AuthMode,
  AuthSettings,
  OAuthSettings,
  Principal,
  StaticTokenEntry,
} from "./types.js";
