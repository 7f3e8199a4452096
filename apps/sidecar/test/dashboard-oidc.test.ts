/**
 * The dashboard's OIDC login against a real OpenID provider (oidc-provider): code + PKCE through
 * the provider's own login pages, the operator session cookie, the allowed-subjects check, and
 * the audit records of logins and refused logins.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// Shared test support: the provider the auth package's own tests run against.
import { startTestProvider, type TestProvider } from "../../../packages/auth/test/support/provider.js";
import {
  auditRecords,
  COOKIE_SECRET,
  cookieOf,
  eventually,
  freePort,
  postToken,
  snapshotOf,
  startTestSidecar,
  type TestSidecar,
} from "./support/dashboard-sidecar.js";

const CLIENT = { id: "sidecar-dashboard", secret: "sidecar-dashboard-secret-0123456789" };

let provider: TestProvider;
let stack: TestSidecar;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/auth/callback`;
  provider = await startTestProvider({
    extraClients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        redirect_uris: [redirectUri],
        id_token_signed_response_alg: "ES256",
      },
    ],
  });
  stack = await startTestSidecar({
    port,
    dashboard: {
      oidc: {
        issuer: provider.issuer,
        clientId: CLIENT.id,
        redirectUri,
        scope: "openid",
        allowedSubjects: ["op-1"],
      },
    },
    env: { MCP_SIDECAR_COOKIE_SECRET: COOKIE_SECRET, MCP_SIDECAR_OIDC_CLIENT_SECRET: CLIENT.secret },
  });
  base = stack.url;
});
afterAll(async () => {
  await stack?.close();
  await provider?.close();
});

async function loginAs(account: string): Promise<Response> {
  const start = await fetch(`${base}/auth/login`, { redirect: "manual" });
  expect(start.status).toBe(302);
  const callback = await provider.follow(start.headers.get("location") ?? "", account);
  expect(callback.pathname).toBe("/auth/callback");
  return fetch(callback, { redirect: "manual", headers: { cookie: cookieOf(start) } });
}

describe("dashboard OIDC login", () => {
  it("offers SSO only, when OIDC is configured and no admin token is", async () => {
    expect(await (await fetch(`${base}/auth/modes`)).json()).toEqual({ oidc: true, token: false });
    expect((await postToken(base, "any-token-at-all-0123456789")).status).toBe(404);
  });

  it("logs an operator in with code + PKCE, sets the session cookie, and audits the login", async () => {
    const done = await loginAs("op-1");
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/");
    const session = done.headers.getSetCookie().find((c) => c.startsWith("mcp_operator="));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    const cookie = session?.split(";")[0] ?? "";
    const snapshot = await snapshotOf(base, cookie);
    expect(snapshot.operator.subject).toBe("op-1");
    expect((await fetch(`${base}/`, { headers: { cookie } })).status).toBe(200);
    const login = await eventually("login audited", async () =>
      (await auditRecords(base, cookie, "type=admin_action")).find((r) => r.action === "login"),
    );
    expect(login.actor).toBe("op-1");
  });

  it("refuses a subject that is not an operator (403) and audits the refusal with its subject", async () => {
    const refused = await loginAs("intruder");
    expect(refused.status).toBe(403);
    expect(refused.headers.getSetCookie().some((c) => c.startsWith("mcp_operator="))).toBe(false);
    const done = await loginAs("op-1");
    const cookie =
      (done.headers.getSetCookie().find((c) => c.startsWith("mcp_operator=")) ?? "").split(";")[0] ?? "";
    const failed = await eventually("refusal audited", async () =>
      (await auditRecords(base, cookie, "type=admin_action")).find((r) => r.action === "login_failed"),
    );
    expect(failed.actor).toBe("intruder");
  });

  it("refuses a callback without the login transaction cookie and audits it as unknown", async () => {
    const start = await fetch(`${base}/auth/login`, { redirect: "manual" });
    const callback = await provider.follow(start.headers.get("location") ?? "", "op-1");
    expect((await fetch(callback, { redirect: "manual" })).status).toBe(401);
  });
});
