/** @module `@mcp-runtime/auth/operator-login`: operators' dashboard login (OIDC with passport + openid-client and PKCE, or a static admin token), one signed session cookie. */
export { createOperatorLogin, type OperatorLogin, type OperatorLoginOptions } from "./router.js";
export type { Operator } from "./session.js";
export { createTokenOperatorLogin, type TokenOperatorLoginOptions } from "./token-login.js";
