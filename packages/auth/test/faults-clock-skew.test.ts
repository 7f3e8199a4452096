/**
 * Fault injection (issue 18): clock skew between the authorization server and the runtime. The
 * documented tolerance is 30 s (`clockToleranceSec`): a token minted by a server whose clock runs
 * ahead (`iat`/`nbf` in the future) or behind (`exp` just passed) is accepted within it and refused
 * beyond it, with 401 `invalid_token`. Tokens are signed with the real provider's key
 * (support/provider.ts) and verified through its JWKS.
 */
import { importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Authenticator, createAuthenticator } from "../src/index.js";
import { startTestProvider, type TestProvider } from "./support/provider.js";

const RESOURCE = "http://127.0.0.1:59998/mcp";
const now = (): number => Math.floor(Date.now() / 1000);

describe("clock skew for OAuth access tokens (30 s tolerance)", () => {
  let provider: TestProvider;
  let auth: Authenticator;

  beforeAll(async () => {
    provider = await startTestProvider();
    auth = createAuthenticator({
      mode: "oauth",
      oauth: { issuer: provider.issuer, audience: RESOURCE, scopes: {} },
    });
  });
  afterAll(() => provider.close());

  /** A token as a provider whose clock is `skewSec` ahead of ours (negative: behind) would mint it. */
  const mintedWithSkew = async (skewSec: number, lifetimeSec = 300): Promise<string> => {
    const key = provider.keys()[0];
    if (key === undefined) throw new Error("the provider has no key");
    const issued = now() + skewSec;
    return new SignJWT({ scope: "tools:echo", iss: provider.issuer, aud: RESOURCE, sub: "skewed" })
      .setProtectedHeader({ alg: "ES256", kid: String(key.jwk.kid), typ: "at+jwt" })
      .setIssuedAt(issued)
      .setNotBefore(issued)
      .setExpirationTime(issued + lifetimeSec)
      .sign(await importJWK(key.jwk, "ES256"));
  };

  it("accepts a token whose iat/nbf are 25 s in the future (the provider's clock runs ahead)", async () => {
    const decision = await auth.authenticate(`Bearer ${await mintedWithSkew(25)}`, RESOURCE);
    expect(decision).toMatchObject({ ok: true, principal: { subject: "skewed" } });
  });

  it("refuses a token whose nbf is 90 s in the future with 401 invalid_token", async () => {
    const decision = await auth.authenticate(`Bearer ${await mintedWithSkew(90)}`, RESOURCE);
    expect(decision).toMatchObject({ ok: false, status: 401, error: "invalid_token" });
  });

  it("accepts a token that expired 25 s ago by our clock (the provider's clock runs behind)", async () => {
    const decision = await auth.authenticate(`Bearer ${await mintedWithSkew(-325)}`, RESOURCE);
    expect(decision).toMatchObject({ ok: true });
  });

  it("refuses a token that expired 60 s ago by our clock with 401 invalid_token", async () => {
    const decision = await auth.authenticate(`Bearer ${await mintedWithSkew(-360)}`, RESOURCE);
    expect(decision).toMatchObject({
      ok: false,
      status: 401,
      error: "invalid_token",
      description: "token expired",
    });
  });
});
