/**
 * Acceptance: `auth.mode: oauth` against a real OpenID provider (oidc-provider on port 0). Tokens
 * come from the client-credentials and authorization-code + PKCE flows; the SDK clients find the
 * provider through the runtime's RFC 9728 metadata. Every refusal is checked for its status and
 * `WWW-Authenticate` header, and the recording tool proves that nothing ran.
 */
import {
  ClientCredentialsProvider as ClientCredentialsV2,
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
} from "@modelcontextprotocol/client";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { importJWK, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRecordingPlugin,
  freePort,
  newSigningKey,
  PUBLIC_CLIENT,
  type RecordingPlugin,
  rpc,
  SERVICE_CLIENT,
  startTestProvider,
  type TestProvider,
} from "./auth-support.js";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt } from "./support/paths.js";

const CALL_RECORD = { method: "tools/call", params: { name: "record", arguments: {} } };

describe("auth.mode oauth (real OpenID provider)", () => {
  let provider: TestProvider;
  let plugin: RecordingPlugin;
  let runtime: HttpRuntime;
  let url: string;

  beforeAll(async () => {
    assertBuilt();
    provider = await startTestProvider();
    plugin = await createRecordingPlugin();
    const port = await freePort();
    url = `http://127.0.0.1:${port}/mcp`;
    runtime = await startHttpRuntime(
      {
        plugins: [{ path: plugin.dir }],
        auth: {
          mode: "oauth",
          oauth: {
            issuer: provider.issuer,
            audience: url,
            scopes: { echo: "tools:echo", record: "tools:record" },
          },
        },
      },
      ["--port", String(port)],
    );
  });
  afterAll(async () => {
    await runtime?.stop();
    await provider?.close();
    await plugin?.remove();
  });

  const forge = async (claims: Record<string, unknown>, key = provider.keys()[0]): Promise<string> => {
    if (key === undefined) throw new Error("the provider has no key");
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: provider.issuer,
      aud: url,
      sub: "mallory",
      scope: "tools:record",
      exp: now + 60,
      ...claims,
    })
      .setProtectedHeader({ alg: "ES256", kid: String(key.jwk.kid), typ: "at+jwt" })
      .sign(await importJWK(key.jwk, "ES256"));
  };

  it("serves RFC 9728 metadata at the path-inserted and the root well-known URLs", async () => {
    const origin = new URL(url).origin;
    for (const path of [
      "/.well-known/oauth-protected-resource/mcp",
      "/.well-known/oauth-protected-resource",
    ]) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        resource: url,
        authorization_servers: [provider.issuer],
        scopes_supported: ["tools:echo", "tools:record"],
        bearer_methods_supported: ["header"],
      });
    }
  });

  it("SDK 1.x client-credentials: discovers the provider, gets a token for this resource, calls tools", async () => {
    const authProvider = new ClientCredentialsProvider({
      clientId: SERVICE_CLIENT.id,
      clientSecret: SERVICE_CLIENT.secret,
      expectedIssuer: provider.issuer,
      scope: "tools:echo tools:record",
    });
    const client = new Client({ name: "cc-v1", version: "0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider }));
    const before = (await plugin.calls()).length;
    expect(await client.callTool({ name: "record", arguments: {} })).toMatchObject({
      content: [{ text: "recorded" }],
    });
    expect(await client.callTool({ name: "whoami", arguments: {} })).toMatchObject({
      content: [{ text: "svc" }],
    });
    expect((await plugin.calls()).slice(before)).toEqual(["svc"]);
    await client.close();
  });

  it("SDK 1.x authorization code + PKCE: the user logs in at the provider and becomes ctx.subject", async () => {
    const store: { tokens?: OAuthTokens; verifier?: string; redirect?: URL } = {};
    const authProvider: OAuthClientProvider = {
      redirectUrl: PUBLIC_CLIENT.redirectUri,
      clientMetadata: {
        redirect_uris: [PUBLIC_CLIENT.redirectUri],
        token_endpoint_auth_method: "none",
        client_name: "app",
      },
      clientInformation: (): OAuthClientInformationMixed => ({ client_id: PUBLIC_CLIENT.id }),
      tokens: () => store.tokens,
      saveTokens: (tokens) => {
        store.tokens = tokens;
      },
      redirectToAuthorization: async (authorizationUrl) => {
        store.redirect = await provider.follow(authorizationUrl.href, "alice");
      },
      saveCodeVerifier: (verifier) => {
        store.verifier = verifier;
      },
      codeVerifier: () => store.verifier ?? "",
    };
    const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider });
    const client = new Client({ name: "code-v1", version: "0" });
    await expect(client.connect(transport)).rejects.toThrow(/Unauthorized/);
    const code = store.redirect?.searchParams.get("code");
    expect(code).toBeTruthy();
    await transport.finishAuth(code ?? "");
    const again = new Client({ name: "code-v1", version: "0" });
    await again.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider }));
    expect(await again.callTool({ name: "whoami", arguments: {} })).toMatchObject({
      content: [{ text: "alice" }],
    });
    // The SDK asked for the scopes the 401 challenge named, so this user may call both tools.
    expect(await again.callTool({ name: "echo", arguments: { text: "hi" } })).toMatchObject({
      content: [{ text: "hi" }],
    });
    await again.close();
  });

  it("SDK v2 client with client credentials calls tools over the 2026-07-28 protocol", async () => {
    const authProvider = new ClientCredentialsV2({
      clientId: SERVICE_CLIENT.id,
      clientSecret: SERVICE_CLIENT.secret,
      expectedIssuer: provider.issuer,
      scope: "tools:echo",
    });
    const client = new ClientV2({ name: "cc-v2", version: "0" });
    await client.connect(new TransportV2(new URL(url), { authProvider }));
    expect(await client.callTool({ name: "echo", arguments: { text: "v2" } })).toMatchObject({
      content: [{ text: "v2" }],
    });
    expect(await client.callTool({ name: "whoami", arguments: {} })).toMatchObject({
      content: [{ text: "svc" }],
    });
    await client.close();
  });

  describe("refusals: right status and header, nothing executed", () => {
    const cases: [string, () => Promise<string | undefined>, string][] = [
      ["no token", async () => undefined, ""],
      ["an expired token", () => forge({ exp: Math.floor(Date.now() / 1000) - 120 }), "token expired"],
      ["a wrong issuer", () => forge({ iss: "http://127.0.0.1:1" }), "unexpected issuer"],
      [
        "a wrong audience",
        () => forge({ aud: "https://elsewhere.test/mcp" }),
        "token is not meant for this resource",
      ],
      [
        "alg none",
        async () =>
          new UnsecuredJWT({
            iss: provider.issuer,
            aud: url,
            sub: "m",
            scope: "tools:record",
            exp: Math.floor(Date.now() / 1000) + 60,
          }).encode(),
        "token algorithm is not allowed",
      ],
      [
        "a token signed by an unknown key",
        async () => forge({}, await newSigningKey()),
        "token signed by an unknown key",
      ],
      [
        "a token the provider issued for another resource",
        () => provider.clientCredentials("http://127.0.0.1:1/mcp", "tools:record"),
        "token is not meant for this resource",
      ],
    ];
    it.each(cases)("%s → 401 with WWW-Authenticate resource_metadata", async (_name, make, reason) => {
      const before = (await plugin.calls()).length;
      const token = await make();
      const res = await rpc(
        url,
        CALL_RECORD,
        token === undefined ? {} : { authorization: `Bearer ${token}` },
      );
      expect(res.status).toBe(401);
      const challenge = res.headers.get("www-authenticate") ?? "";
      expect(challenge).toMatch(/^Bearer /);
      expect(challenge).toContain(
        `resource_metadata="${new URL(url).origin}/.well-known/oauth-protected-resource/mcp"`,
      );
      expect(challenge).toContain('scope="tools:echo tools:record"');
      if (token === undefined) expect(challenge).not.toContain("error=");
      else expect(challenge).toContain(`error="invalid_token", error_description="${reason}"`);
      expect((await plugin.calls()).length).toBe(before);
    });

    it("a valid token without the tool's scope → 403 insufficient_scope naming the scope; tools/list hides the tool", async () => {
      const before = (await plugin.calls()).length;
      const token = await provider.clientCredentials(url, "tools:echo");
      const res = await rpc(url, CALL_RECORD, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(403);
      expect(res.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
      expect(res.headers.get("www-authenticate")).toContain('scope="tools:record"');
      expect((await plugin.calls()).length).toBe(before);
      const list = await rpc(url, { method: "tools/list" }, { authorization: `Bearer ${token}` });
      expect(list.status).toBe(200);
      const names = (list.json as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name);
      expect(names.sort()).toEqual(["echo", "whoami"]);
    });

    it("a session id replayed by another subject → 404, and the session still serves its owner", async () => {
      const owner = `Bearer ${await provider.clientCredentials(url, "tools:echo tools:record")}`;
      const other = `Bearer ${await provider.authorizationCode(url, "openid tools:echo tools:record", "bob")}`;
      const init = await rpc(
        url,
        {
          method: "initialize",
          params: {
            protocolVersion: "2025-06-18",
            capabilities: {},
            clientInfo: { name: "t", version: "0" },
          },
        },
        { authorization: owner },
      );
      const session = init.headers.get("mcp-session-id") ?? "";
      expect(session).not.toBe("");
      const before = (await plugin.calls()).length;
      const headers = { "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" };
      const replay = await rpc(url, CALL_RECORD, { ...headers, authorization: other });
      expect(replay.status).toBe(404);
      expect((await plugin.calls()).length).toBe(before);
      const mine = await rpc(url, { ...CALL_RECORD, id: 2 }, { ...headers, authorization: owner });
      expect(mine.status).toBe(200);
      expect((await plugin.calls()).slice(before)).toEqual(["svc"]);
    });
  });

  it("accepts tokens signed with a key the provider rotated in, without restarting the runtime", async () => {
    const fresh = await provider.rotate();
    const token = await provider.clientCredentials(url, "tools:echo");
    expect(JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).kid).toBe(
      fresh.jwk.kid,
    );
    // jose refetches the JWKS for an unknown kid at most once per 30 s cooldown; the last fetch
    // may be recent, so retry until it is past (bounded by the cooldown).
    const deadline = Date.now() + 35_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (
        await rpc(
          url,
          { method: "tools/call", params: { name: "echo", arguments: { text: "r" } } },
          { authorization: `Bearer ${token}` },
        )
      ).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(status).toBe(200);
  }, 45_000);
});
