import { describe, expect, it } from "vitest";
import * as entry from "../src/index.js";
import {
  buildResourceMetadata,
  createAuthenticator,
  mintStaticToken,
  resourceMetadataPaths,
  resourceMetadataUrl,
} from "../src/index.js";

const RESOURCE = "https://mcp.example.com/mcp";

describe("tokens mode", () => {
  const alice = mintStaticToken();
  const bob = mintStaticToken();
  const settings = {
    mode: "tokens" as const,
    tokens: [
      { sha256: alice.sha256, subject: "alice", scopes: ["tools:admin"] },
      { sha256: bob.sha256, subject: "bob", scopes: [] },
    ],
    oauth: { scopes: { drop_table: "tools:admin" } },
  };

  it("maps a token to its subject and scopes by digest; the config never holds the token", async () => {
    const auth = createAuthenticator(settings);
    expect(await auth.authenticate(`Bearer ${alice.token}`, RESOURCE)).toEqual({
      ok: true,
      principal: { subject: "alice", scopes: ["tools:admin"] },
    });
    expect(JSON.stringify(settings)).not.toContain(alice.token);
  });

  it("refuses unknown and malformed credentials with 401 challenges", async () => {
    const auth = createAuthenticator(settings);
    expect(await auth.authenticate(`Bearer ${alice.token.slice(0, -1)}`, RESOURCE)).toMatchObject({
      ok: false,
      status: 401,
      error: "invalid_token",
    });
    expect(await auth.authenticate(`Basic ${Buffer.from("a:b").toString("base64")}`, RESOURCE)).toMatchObject(
      {
        ok: false,
        status: 401,
        error: "invalid_request",
      },
    );
  });

  it("403 insufficient_scope names the needed scope; tools without a scope are open to any token", async () => {
    const auth = createAuthenticator(settings);
    const decision = await auth.authenticate(`Bearer ${bob.token}`, RESOURCE);
    if (!decision.ok) throw new Error("bob should authenticate");
    expect(auth.authorizeTool(decision.principal, "echo", RESOURCE)).toBeUndefined();
    expect(auth.authorizeTool(decision.principal, "drop_table", RESOURCE)).toEqual({
      ok: false,
      status: 403,
      error: "insufficient_scope",
      description: 'tool "drop_table" needs scope "tools:admin"',
      wwwAuthenticate:
        'Bearer error="insufficient_scope", error_description="tool \\"drop_table\\" needs scope \\"tools:admin\\"", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="tools:admin"',
    });
  });

  it("update() reloads tokens: a removed token stops working, a new one starts", async () => {
    const auth = createAuthenticator(settings);
    const carol = mintStaticToken();
    auth.update({ ...settings, tokens: [{ sha256: carol.sha256, subject: "carol", scopes: [] }] });
    expect(await auth.authenticate(`Bearer ${alice.token}`, RESOURCE)).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(await auth.authenticate(`Bearer ${carol.token}`, RESOURCE)).toMatchObject({
      ok: true,
      principal: { subject: "carol" },
    });
    expect(() => auth.update({ mode: "oauth" })).toThrow(/restart/);
  });

  it("mints distinct 256-bit mcpr_ tokens", () => {
    expect(alice.token).toMatch(/^mcpr_[A-Za-z0-9_-]{43}$/);
    expect(alice.token).not.toBe(bob.token);
    expect(alice.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("RFC 9728 metadata", () => {
  it("inserts the well-known segment before the resource path and also serves the root form", () => {
    expect(resourceMetadataUrl(RESOURCE)).toBe(
      "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
    );
    expect(resourceMetadataPaths(RESOURCE)).toEqual([
      "/.well-known/oauth-protected-resource/mcp",
      "/.well-known/oauth-protected-resource",
    ]);
    expect(resourceMetadataPaths("https://mcp.example.com/")).toEqual([
      "/.well-known/oauth-protected-resource",
    ]);
  });

  it("builds an absolute document and refuses relative URLs", () => {
    expect(
      buildResourceMetadata({
        resource: RESOURCE,
        authorizationServers: ["https://idp.example.com/realms/x"],
        scopes: ["a"],
      }),
    ).toEqual({
      resource: RESOURCE,
      authorization_servers: ["https://idp.example.com/realms/x"],
      scopes_supported: ["a"],
      bearer_methods_supported: ["header"],
    });
    expect(() => buildResourceMetadata({ resource: "/mcp", authorizationServers: [], scopes: [] })).toThrow(
      TypeError,
    );
  });
});

describe("public entry", () => {
  it("exports exactly the documented runtime values", () => {
    expect(Object.keys(entry).sort()).toEqual([
      "ALLOWED_ALGORITHMS",
      "AuthError",
      "WELL_KNOWN_RESOURCE_PATH",
      "bearerChallenge",
      "buildResourceMetadata",
      "createAuthenticator",
      "createHttpAuthHook",
      "createMetadataHandler",
      "createToolScopePolicy",
      "createWebSocketAuthHook",
      "mintStaticToken",
      "resourceMetadataPaths",
      "resourceMetadataUrl",
    ]);
  });
});
