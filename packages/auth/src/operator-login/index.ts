/** @module `@mcp-runtime/auth/operator-login`: operators' dashboard login (passport + openid-client, PKCE, signed cookies). */
export {
  createOperatorLogin,
  type Operator,
  type OperatorLogin,
  type OperatorLoginOptions,
} from "./router.js";
