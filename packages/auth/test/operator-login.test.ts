import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperatorLogin } from "../src/operator-login/index.js";
import { startTestProvider, type TestProvider } from "./support/provider.js";

const DASHBOARD = { id: "dashboard", secret: "dashboard-secret-0123456789abcdef" };

describe("operator login (passport + openid-client strategy) against a real provider", () => {
  let provider: TestProvider;
  let server: Server;
  let base: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => s.end();

  beforeAll(async () => {
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    provider = await startTestProvider({
      extraClients: [
        {
          client_id: DASHBOARD.id,
          client_secret: DASHBOARD.secret,
          grant_types: ["authorization_code"],
          response_types: ["code"],
          redirect_uris: [`${base}/auth/callback`],
          id_token_signed_response_alg: "ES256",
        },
      ],
    });
    const login = await createOperatorLogin({
      issuer: provider.issuer,
      clientId: DASHBOARD.id,
      clientSecret: DASHBOARD.secret,
      redirectUri: `${base}/auth/callback`,
      scope: "openid",
      cookieSecret: "a-cookie-secret-of-at-least-32-bytes!!",
      allowedSubjects: ["op-1"],
      afterLoginPath: "/dashboard",
    });
    const app = express();
    app.use("/auth", login.router);
    app.get("/dashboard", login.requireOperator, (_req, res) => {
      res.json({ hello: res.locals.operator.subject });
    });
    handler = app;
  });
  afterAll(async () => {
    await provider?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const loginAs = async (account: string) => {
    const start = await fetch(`${base}/auth/login`, { redirect: "manual" });
    expect(start.status).toBe(302);
    const authorization = new URL(start.headers.get("location") ?? "");
    expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");
    const tx = start.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const callback = await provider.follow(authorization.href, account);
    expect(callback.pathname).toBe("/auth/callback");
    return fetch(callback, { redirect: "manual", headers: { cookie: tx } });
  };

  it("logs an operator in with code + PKCE and keeps the session in a signed HttpOnly cookie", async () => {
    const done = await loginAs("op-1");
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/dashboard");
    const session = done.headers.getSetCookie().find((c) => c.startsWith("mcp_operator="));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    const cookie = session?.split(";")[0] ?? "";
    const page = await fetch(`${base}/dashboard`, { headers: { cookie } });
    expect(await page.json()).toEqual({ hello: "op-1" });
    const tampered = `${cookie.slice(0, -2)}AA`;
    expect((await fetch(`${base}/dashboard`, { headers: { cookie: tampered } })).status).toBe(401);
  });

  it("refuses a callback without the login transaction cookie (no state/verifier to check)", async () => {
    const start = await fetch(`${base}/auth/login`, { redirect: "manual" });
    const callback = await provider.follow(start.headers.get("location") ?? "", "op-1");
    const res = await fetch(callback, { redirect: "manual" });
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("mcp_operator="))).toBe(false);
  });

  it("refuses a subject that is not an operator, and guards routes without a session", async () => {
    expect((await loginAs("intruder")).status).toBe(403);
    expect((await fetch(`${base}/dashboard`)).status).toBe(401);
  });
});
