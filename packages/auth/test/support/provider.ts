/// <reference path="./oidc-provider.d.ts" />
/**
 * @module A real OpenID provider (oidc-provider 9) on port 0 for the auth tests: client credentials
 * and authorization code + PKCE, JWT access tokens whose `aud` is the requested resource (RFC 8707),
 * introspection, and key rotation by swapping in a provider with a new key set on the same issuer.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider from "oidc-provider";

export const TEST_SCOPES = ["tools:echo", "tools:record", "tools:admin"] as const;
export const SERVICE_CLIENT = { id: "svc", secret: "svc-secret-0123456789abcdef" };
export const PUBLIC_CLIENT = { id: "app", redirectUri: "http://127.0.0.1:1/callback" };

export interface SigningKey {
  /** private JWK with kid and alg */
  jwk: JWK;
}

export interface TestProvider {
  readonly issuer: string;
  /** the private keys the provider signs with (the first one signs) */
  keys(): readonly SigningKey[];
  /** Client credentials with a resource indicator; returns the access token. */
  clientCredentials(resource: string, scope: string): Promise<string>;
  /** Authorization code + PKCE as `account`, driving the dev login and consent pages over HTTP. */
  authorizationCode(resource: string, scope: string, account: string): Promise<string>;
  /** Drives a ready authorization URL (built by an SDK) through login and consent; returns the redirect URL. */
  follow(authorizationUrl: string, account: string): Promise<URL>;
  /** Publishes a new signing key (old one still published) without changing the issuer or port. */
  rotate(): Promise<SigningKey>;
  close(): Promise<void>;
}

export async function newSigningKey(alg: "ES256" | "RS256" = "ES256"): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { jwk: { ...jwk, alg, use: "sig", kid: `k-${randomBytes(6).toString("hex")}` } };
}

export async function startTestProvider(
  options: { accessTokenTtlSec?: number; extraClients?: Record<string, unknown>[] } = {},
): Promise<TestProvider> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let keys: SigningKey[] = [await newSigningKey()];
  // Grants live in the provider's memory adapter; consent is given through the dev pages.
  const build = () => {
    const provider = new Provider(
      issuer,
      configuration(keys, options.accessTokenTtlSec ?? 300, options.extraClients ?? []),
    );
    provider.on("server_error", (_ctx, error) => process.stderr.write(`oidc-provider: ${String(error)}\n`));
    handler = provider.callback();
  };
  build();

  const follow = async (authorizationUrl: string, account: string): Promise<URL> => {
    const jar = new Map<string, string>();
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const remember = (res: Response) => {
      for (const line of res.headers.getSetCookie()) {
        const [pair = ""] = line.split(";");
        const eq = pair.indexOf("=");
        jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
    };
    let url = new URL(authorizationUrl);
    for (let step = 0; step < 12; step++) {
      if (url.origin !== issuer) return url;
      let res = await fetch(url, { redirect: "manual", headers: { cookie: cookie() } });
      remember(res);
      const interaction = /^\/interaction\/([^/]+)$/.exec(url.pathname);
      if (interaction && res.status === 200) {
        const page = await res.text();
        const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1] ?? "login";
        const body = new URLSearchParams(
          prompt === "login" ? { prompt, login: account, password: "x" } : { prompt },
        );
        res = await fetch(url, { method: "POST", redirect: "manual", headers: { cookie: cookie() }, body });
        remember(res);
      }
      const location = res.headers.get("location");
      if (location === null)
        throw new Error(`provider answered ${res.status} at ${url}: ${await res.text()}`);
      url = new URL(location, url);
    }
    throw new Error("too many redirects at the provider");
  };

  const token = async (
    body: Record<string, string>,
    basic?: { id: string; secret: string },
  ): Promise<string> => {
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (basic)
      headers.authorization = `Basic ${Buffer.from(`${basic.id}:${basic.secret}`).toString("base64")}`;
    const res = await fetch(`${issuer}/token`, { method: "POST", headers, body: new URLSearchParams(body) });
    const json = (await res.json()) as { access_token?: string };
    if (!res.ok || json.access_token === undefined)
      throw new Error(`token request failed: ${JSON.stringify(json)}`);
    return json.access_token;
  };

  return {
    issuer,
    keys: () => keys,
    clientCredentials: (resource, scope) =>
      token({ grant_type: "client_credentials", resource, scope }, SERVICE_CLIENT),
    follow,
    async authorizationCode(resource, scope, account) {
      const verifier = randomBytes(32).toString("base64url");
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      const auth = new URL(`${issuer}/auth`);
      auth.search = new URLSearchParams({
        client_id: PUBLIC_CLIENT.id,
        response_type: "code",
        redirect_uri: PUBLIC_CLIENT.redirectUri,
        scope,
        resource,
        code_challenge: challenge,
        code_challenge_method: "S256",
        state: randomBytes(8).toString("hex"),
      }).toString();
      const done = await follow(auth.href, account);
      const code = done.searchParams.get("code");
      if (code === null) throw new Error(`no code in ${done.href}`);
      return token({
        grant_type: "authorization_code",
        client_id: PUBLIC_CLIENT.id,
        code,
        redirect_uri: PUBLIC_CLIENT.redirectUri,
        code_verifier: verifier,
        resource,
      });
    },
    async rotate() {
      const fresh = await newSigningKey();
      keys = [fresh, ...keys];
      build();
      return fresh;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function configuration(
  keys: readonly SigningKey[],
  ttl: number,
  extraClients: Record<string, unknown>[],
): Record<string, unknown> {
  const scope = TEST_SCOPES.join(" ");
  return {
    clients: [
      {
        client_id: SERVICE_CLIENT.id,
        client_secret: SERVICE_CLIENT.secret,
        grant_types: ["client_credentials"],
        redirect_uris: [],
        response_types: [],
        scope,
        id_token_signed_response_alg: "ES256",
      },
      {
        client_id: PUBLIC_CLIENT.id,
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
        redirect_uris: [PUBLIC_CLIENT.redirectUri],
        response_types: ["code"],
        id_token_signed_response_alg: "ES256",
      },
      ...extraClients,
    ],
    jwks: { keys: keys.map((k) => k.jwk) },
    scopes: ["openid", "offline_access", ...TEST_SCOPES],
    cookies: { keys: ["test-cookie-key-0123456789"] },
    pkce: { required: () => true },
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope,
          audience: resource,
          accessTokenTTL: ttl,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "ES256" } },
        }),
      },
    },
  };
}
