/**
 * @module `auth.mode: oauth` token checks. JWT access tokens are verified locally with jose against
 * the issuer's JWKS (fetched once, cached, refetched when a token names an unknown `kid`, at most
 * once per cooldown so forged `kid`s cannot make us hammer the issuer); `iss`, `aud` (the runtime's
 * resource URI, RFC 8707), `exp`/`nbf` with clock skew and the algorithm are all checked. Opaque
 * tokens go to RFC 7662 introspection when it is configured.
 */
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from "jose";
import * as client from "openid-client";
import { AuthError } from "./errors.js";
import { discoverIssuer, type IssuerInfo } from "./issuer.js";
import type { OAuthSettings, Principal } from "./types.js";

/** Asymmetric algorithms only: `none` and HS* (a shared secret the issuer also knows) never verify. */
export const ALLOWED_ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA", "Ed25519"] as const;

export interface OAuthVerifierOptions {
  clockToleranceSec: number;
  jwksCooldownMs: number;
  jwksCacheMaxAgeMs: number;
  timeoutMs: number;
}

/** Why a token was refused; the text is safe to send to the client. */
export class TokenRejected extends Error {}

export class OAuthVerifier {
  private readonly settings: OAuthSettings & { issuer: string; audience: string };
  private readonly options: OAuthVerifierOptions;
  private issuer: Promise<IssuerInfo> | undefined;
  private jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(settings: OAuthSettings, options: OAuthVerifierOptions) {
    if (settings.issuer === undefined) throw new TypeError('"oauth.issuer" is required in oauth mode');
    if (settings.audience === undefined) throw new TypeError('"oauth.audience" is required in oauth mode');
    this.settings = { ...settings, issuer: settings.issuer, audience: settings.audience };
    this.options = options;
  }

  get issuerUrl(): string {
    return this.settings.issuer;
  }

  /** Discovers the issuer (once; retried after a failure). */
  ready(): Promise<IssuerInfo> {
    if (this.issuer === undefined) {
      const pending = discoverIssuer({
        issuer: this.settings.issuer,
        ...(this.settings.introspection === undefined
          ? {}
          : {
              clientId: this.settings.introspection.clientId,
              ...(this.settings.introspection.clientSecret === undefined
                ? {}
                : { clientSecret: this.settings.introspection.clientSecret }),
            }),
        timeoutMs: this.options.timeoutMs,
      });
      this.issuer = pending;
      pending.catch(() => {
        if (this.issuer === pending) this.issuer = undefined;
      });
    }
    return this.issuer;
  }

  async verify(token: string): Promise<Principal> {
    const info = await this.ready();
    if (looksLikeJwt(token)) return this.verifyJwt(token, info);
    if (this.settings.introspection !== undefined) return this.introspect(token, info);
    throw new TokenRejected("token is not a JWT and introspection is not configured");
  }

  private async verifyJwt(token: string, info: IssuerInfo): Promise<Principal> {
    if (info.jwksUri === undefined) {
      throw new AuthError("ERR_AUTH_DISCOVERY", `the issuer ${info.issuer} publishes no jwks_uri`);
    }
    this.jwks ??= createRemoteJWKSet(new URL(info.jwksUri), {
      cooldownDuration: this.options.jwksCooldownMs,
      cacheMaxAge: this.options.jwksCacheMaxAgeMs,
      timeoutDuration: this.options.timeoutMs,
    });
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: info.issuer,
        audience: this.settings.audience,
        algorithms: [...ALLOWED_ALGORITHMS],
        clockTolerance: this.options.clockToleranceSec,
        requiredClaims: ["exp"],
      }));
    } catch (cause) {
      throw new TokenRejected(describeJoseFailure(cause), { cause });
    }
    return principalOf(payload);
  }

  private async introspect(token: string, info: IssuerInfo): Promise<Principal> {
    const settings = this.settings.introspection;
    const endpoint = settings?.endpoint ?? info.introspectionEndpoint;
    if (settings === undefined || endpoint === undefined) {
      throw new TokenRejected("token is not a JWT and introspection is not configured");
    }
    const configuration =
      settings.endpoint === undefined
        ? info.configuration
        : new client.Configuration(
            { issuer: info.issuer, introspection_endpoint: settings.endpoint },
            settings.clientId,
            undefined,
            settings.clientSecret === undefined
              ? client.None()
              : client.ClientSecretBasic(settings.clientSecret),
          );
    if (new URL(endpoint).protocol === "http:") client.allowInsecureRequests(configuration);
    let answer: Awaited<ReturnType<typeof client.tokenIntrospection>>;
    try {
      answer = await client.tokenIntrospection(configuration, token);
    } catch (cause) {
      throw new AuthError("ERR_AUTH_INTROSPECTION", "token introspection failed", { cause });
    }
    if (answer.active !== true) throw new TokenRejected("token is not active");
    // RFC 7662 leaves these optional; when present they must match, as for a JWT.
    const now = Math.floor(Date.now() / 1000);
    const skew = this.options.clockToleranceSec;
    if (answer.iss !== undefined && answer.iss !== info.issuer) throw new TokenRejected("unexpected issuer");
    if (answer.aud !== undefined && !audiences(answer.aud).includes(this.settings.audience)) {
      throw new TokenRejected("token is not meant for this resource");
    }
    if (typeof answer.exp === "number" && answer.exp + skew <= now) throw new TokenRejected("token expired");
    if (typeof answer.nbf === "number" && answer.nbf - skew > now)
      throw new TokenRejected("token not yet valid");
    return principalOf(answer as JWTPayload);
  }
}

function looksLikeJwt(token: string): boolean {
  const parts = token.split(".");
  return parts.length === 3 && parts[0] !== "";
}

function audiences(aud: unknown): string[] {
  if (typeof aud === "string") return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === "string") : [];
}

function principalOf(claims: JWTPayload): Principal {
  const clientId =
    typeof claims.client_id === "string"
      ? claims.client_id
      : typeof claims.azp === "string"
        ? claims.azp
        : undefined;
  // RFC 9068 §2.2: client-credentials tokens carry the client as `sub`; some issuers leave it out.
  const subject = typeof claims.sub === "string" && claims.sub !== "" ? claims.sub : clientId;
  if (subject === undefined) throw new TokenRejected("token has no subject");
  return {
    subject,
    scopes: scopesOf(claims),
    ...(clientId === undefined ? {} : { clientId }),
    ...(typeof claims.exp === "number" ? { expiresAt: claims.exp } : {}),
  };
}

/** `scope` (RFC 9068, space-separated) or `scp` (Entra, Okta: a string or a list). */
function scopesOf(claims: JWTPayload): string[] {
  const raw = claims.scope ?? claims.scp;
  if (typeof raw === "string") return raw.split(" ").filter((s) => s !== "");
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === "string");
  return [];
}

function describeJoseFailure(cause: unknown): string {
  if (cause instanceof joseErrors.JWTExpired) return "token expired";
  if (cause instanceof joseErrors.JWTClaimValidationFailed) {
    switch (cause.claim) {
      case "iss":
        return "unexpected issuer";
      case "aud":
        return "token is not meant for this resource";
      case "nbf":
        return "token not yet valid";
      default:
        return `invalid "${cause.claim}" claim`;
    }
  }
  if (cause instanceof joseErrors.JOSEAlgNotAllowed) return "token algorithm is not allowed";
  if (cause instanceof joseErrors.JWKSNoMatchingKey) return "token signed by an unknown key";
  if (cause instanceof joseErrors.JWSSignatureVerificationFailed) return "token signature is invalid";
  if (cause instanceof joseErrors.JWKSTimeout) return "cannot reach the issuer's keys";
  return "token is invalid";
}
