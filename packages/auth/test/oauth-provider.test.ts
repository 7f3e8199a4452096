import { importJWK, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Authenticator, createAuthenticator } from "../src/index.js";
import { newSigningKey, startTestProvider, type TestProvider } from "./support/provider.js";

const RESOURCE = "http://127.0.0.1:59999/mcp";

describe("oauth mode against a real OpenID provider", () => {
  let provider: TestProvider;
  let auth: Authenticator;

  beforeAll(async () => {
    provider = await startTestProvider();
    auth = createAuthenticator(
      {
        mode: "oauth",
        oauth: { issuer: provider.issuer, audience: RESOURCE, scopes: { record: "tools:record" } },
      },
      { jwksCooldownMs: 200 },
    );
  });
  afterAll(() => provider.close());

  const forge = async (claims: Record<string, unknown>, key = provider.keys()[0]): Promise<string> => {
    if (key === undefined) throw new Error("the provider has no key");
    return new SignJWT({ scope: "tools:record", ...claims })
      .setProtectedHeader({ alg: "ES256", kid: String(key.jwk.kid), typ: "at+jwt" })
      .sign(await importJWK(key.jwk, "ES256"));
  };

  it("accepts a client-credentials token whose audience is the resource, with its scopes", async () => {
    const token = await provider.clientCredentials(RESOURCE, "tools:echo tools:record");
    const decision = await auth.authenticate(`Bearer ${token}`, RESOURCE);
    expect(decision).toMatchObject({ ok: true, principal: { subject: "svc", clientId: "svc" } });
    if (decision.ok) expect([...decision.principal.scopes].sort()).toEqual(["tools:echo", "tools:record"]);
  });

  it("accepts an authorization-code + PKCE token with the user as subject", async () => {
    const token = await provider.authorizationCode(RESOURCE, "openid tools:echo", "alice");
    const decision = await auth.authenticate(`Bearer ${token}`, RESOURCE);
    expect(decision).toMatchObject({ ok: true, principal: { subject: "alice", scopes: ["tools:echo"] } });
  });

  it.each([
    [
      "another resource",
      async () => provider.clientCredentials("http://127.0.0.1:1/other", "tools:echo"),
      "token is not meant for this resource",
    ],
    [
      "a wrong issuer",
      async () => forge({ iss: "http://evil.test", aud: RESOURCE, sub: "x", exp: now() + 60 }),
      "unexpected issuer",
    ],
    [
      "a wrong audience",
      async () => forge({ iss: provider.issuer, aud: "http://x.test/mcp", sub: "x", exp: now() + 60 }),
      "token is not meant for this resource",
    ],
    [
      "an expired token (beyond 30 s skew)",
      async () => forge({ iss: provider.issuer, aud: RESOURCE, sub: "x", exp: now() - 31 }),
      "token expired",
    ],
    ["no exp", async () => forge({ iss: provider.issuer, aud: RESOURCE, sub: "x" }), 'invalid "exp" claim'],
    [
      "alg none",
      async () =>
        new UnsecuredJWT({ iss: provider.issuer, aud: RESOURCE, sub: "x", exp: now() + 60 }).encode(),
      "token algorithm is not allowed",
    ],
    [
      "an unknown key",
      async () =>
        forge({ iss: provider.issuer, aud: RESOURCE, sub: "x", exp: now() + 60 }, await newSigningKey()),
      "token signed by an unknown key",
    ],
    [
      "HS256 with the public key as secret",
      async () =>
        new SignJWT({ iss: provider.issuer, aud: RESOURCE, sub: "x", exp: now() + 60 })
          .setProtectedHeader({ alg: "HS256" })
          .sign(new TextEncoder().encode("a-shared-secret-that-is-long-enough")),
      "token algorithm is not allowed",
    ],
  ])("refuses %s with 401 invalid_token and a resource_metadata challenge", async (_name, make, reason) => {
    const decision = await auth.authenticate(`Bearer ${await make()}`, RESOURCE);
    expect(decision).toMatchObject({ ok: false, status: 401, error: "invalid_token", description: reason });
    if (!decision.ok) {
      expect(decision.wwwAuthenticate).toContain('error="invalid_token"');
      expect(decision.wwwAuthenticate).toContain(
        'resource_metadata="http://127.0.0.1:59999/.well-known/oauth-protected-resource/mcp"',
      );
    }
  });

  it("accepts a token within the 30 s clock skew", async () => {
    const token = await forge({ iss: provider.issuer, aud: RESOURCE, sub: "skew", exp: now() - 10 });
    expect(await auth.authenticate(`Bearer ${token}`, RESOURCE)).toMatchObject({ ok: true });
  });

  it("refuses a missing token with 401 and no error code (RFC 6750 §3.1)", async () => {
    const decision = await auth.authenticate(undefined, RESOURCE);
    expect(decision).toMatchObject({ ok: false, status: 401 });
    if (!decision.ok) {
      expect(decision.error).toBeUndefined();
      expect(decision.wwwAuthenticate).toBe(
        'Bearer resource_metadata="http://127.0.0.1:59999/.well-known/oauth-protected-resource/mcp", scope="tools:record"',
      );
    }
  });

  it("accepts tokens signed by a rotated key without a restart", async () => {
    const before = await provider.clientCredentials(RESOURCE, "tools:echo");
    expect(await auth.authenticate(`Bearer ${before}`, RESOURCE)).toMatchObject({ ok: true });
    const fresh = await provider.rotate();
    const after = await provider.clientCredentials(RESOURCE, "tools:echo");
    expect(JSON.parse(Buffer.from(after.split(".")[0] ?? "", "base64url").toString()).kid).toBe(
      fresh.jwk.kid,
    );
    // Past the JWKS cooldown the unknown kid makes the verifier refetch the keys once.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await auth.authenticate(`Bearer ${after}`, RESOURCE)).toMatchObject({ ok: true });
  });

  it("introspects opaque tokens when introspection is configured (RFC 7662)", async () => {
    const introspecting = createAuthenticator({
      mode: "oauth",
      oauth: {
        issuer: provider.issuer,
        audience: RESOURCE,
        introspection: { clientId: "svc", clientSecret: "svc-secret-0123456789abcdef" },
      },
    });
    const bogus = await introspecting.authenticate("Bearer opaque-token-that-was-never-issued", RESOURCE);
    expect(bogus).toMatchObject({ ok: false, status: 401, description: "token is not active" });
    const plain = await auth.authenticate("Bearer opaque-token-that-was-never-issued", RESOURCE);
    expect(plain).toMatchObject({ ok: false, status: 401, error: "invalid_token" });
  });
});

function now(): number {
  return Math.floor(Date.now() / 1000);
}
