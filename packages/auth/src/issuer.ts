/**
 * @module Authorization-server discovery with openid-client: OpenID Connect discovery first, then
 * RFC 8414 metadata (some OAuth-only servers publish only the latter). Done once, lazily; a failed
 * discovery is retried on the next request instead of being cached.
 */
import * as client from "openid-client";
import { AuthError } from "./errors.js";

export interface IssuerInfo {
  issuer: string;
  jwksUri: string | undefined;
  introspectionEndpoint: string | undefined;
  /** Configuration usable for introspection (client authentication set up when a secret is given). */
  configuration: client.Configuration;
}

export interface DiscoveryOptions {
  issuer: string;
  /** Client id used for introspection; discovery itself needs none, so a placeholder is used without it. */
  clientId?: string;
  clientSecret?: string;
  timeoutMs: number;
}

export async function discoverIssuer(options: DiscoveryOptions): Promise<IssuerInfo> {
  const url = new URL(options.issuer);
  const auth =
    options.clientSecret === undefined ? client.None() : client.ClientSecretBasic(options.clientSecret);
  const common = {
    timeout: Math.ceil(options.timeoutMs / 1000),
    // Plain http issuers exist only in tests and labs; https is required everywhere else.
    ...(url.protocol === "http:" ? { execute: [client.allowInsecureRequests] } : {}),
  };
  let configuration: client.Configuration | undefined;
  let firstError: unknown;
  for (const algorithm of ["oidc", "oauth2"] as const) {
    try {
      configuration = await client.discovery(url, options.clientId ?? "mcp-runtime", undefined, auth, {
        ...common,
        algorithm,
      });
      break;
    } catch (cause) {
      firstError ??= cause;
    }
  }
  if (configuration === undefined) {
    throw new AuthError("ERR_AUTH_DISCOVERY", `cannot discover the authorization server ${options.issuer}`, {
      cause: firstError,
    });
  }
  const metadata = configuration.serverMetadata();
  return {
    issuer: metadata.issuer,
    jwksUri: metadata.jwks_uri,
    introspectionEndpoint: metadata.introspection_endpoint,
    configuration,
  };
}
