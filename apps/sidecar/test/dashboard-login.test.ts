/**
 * The dashboard's HTTP side with the admin-token login, against a real sidecar on port 0: login
 * and its audit records, cookie flags, security headers on every kind of response, the session
 * guard on /api, CSRF and same-origin checks on actions and logout, and the static files.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_TOKEN,
  actionResult,
  auditRecords,
  cookieOf,
  csrfToken,
  eventually,
  login,
  PAGE,
  postToken,
  snapshotOf,
  startTestSidecar,
  type TestSidecar,
} from "./support/dashboard-sidecar.js";

let stack: TestSidecar;

/** GET with the path sent byte for byte (fetch would normalise `..` away before sending). */
function rawStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/`, { path, headers: { cookie } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}
let base: string;
let cookie: string;

beforeAll(async () => {
  stack = await startTestSidecar();
  base = stack.url;
  cookie = await login(base);
});
afterAll(async () => {
  await stack?.close();
});

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

describe("admin token login", () => {
  it("offers the token login only when no OIDC is configured", async () => {
    expect(await (await fetch(`${base}/auth/modes`)).json()).toEqual({ oidc: false, token: true });
  });

  it("trades the right token for a signed HttpOnly SameSite session cookie (not Secure over http) and a 303 to /", async () => {
    const res = await postToken(base, ADMIN_TOKEN);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const [session] = res.headers.getSetCookie();
    expect(session).toMatch(/^mcp_operator=[\w-]+\.[\w-]+;/);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).not.toMatch(/Secure/);
    const snapshot = await snapshotOf(base, cookieOf(res));
    expect(snapshot.operator).toEqual({ subject: "admin" });
    expect(snapshot.csrfToken).toMatch(/^[\w-]{43}$/);
    const logins = await eventually("login audited", async () => {
      const found = await auditRecords(base, cookie, "type=admin_action");
      return found.some((r) => r.action === "login" && r.actor === "admin") ? found : undefined;
    });
    expect(logins.length).toBeGreaterThan(0);
  });

  it("refuses a wrong token with 401 (JSON) or a 303 back to /login (a browser form), and audits login_failed", async () => {
    const wrong = await postToken(base, "not-the-admin-token-at-all");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const form = await fetch(`${base}/auth/token`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: base, "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      body: "token=wrong",
    });
    expect(form.status).toBe(303);
    expect(form.headers.get("location")).toBe("/login?error=invalid_token");
    const failed = await eventually("failed login audited", async () => {
      const found = await auditRecords(base, cookie, "type=admin_action");
      const matches = found.filter((r) => r.action === "login_failed");
      return matches.length >= 2 ? matches : undefined;
    });
    expect(failed[0]?.actor).toBe("unknown");
  });

  it("refuses a login form posted from another origin (login CSRF)", async () => {
    const res = await postToken(base, ADMIN_TOKEN, "http://evil.example");
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
    const crossSite = await fetch(`${base}/auth/token`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: "null", "sec-fetch-site": "cross-site" },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
    });
    expect(crossSite.status).toBe(403);
  });

  it("takes a form navigation's Origin: null when the browser vouches with Sec-Fetch-Site: same-origin", async () => {
    // Under Referrer-Policy: no-referrer a browser sends a form POST with Origin: null.
    const res = await fetch(`${base}/auth/token`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: "null", "sec-fetch-site": "same-origin" },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
    });
    expect(res.status).toBe(303);
  });

  it("refuses a forged or tampered session cookie", async () => {
    const tampered = `${cookie.slice(0, -2)}AA`;
    expect((await fetch(`${base}/api/snapshot`, { headers: { cookie: tampered } })).status).toBe(401);
  });
});

describe("dashboard routes", () => {
  it.each(["/", "/login", "/assets/app.js", "/api/snapshot", "/api/nothing-here", "/auth/modes"])(
    "%s carries the security headers",
    async (path) => {
      const res = await fetch(`${base}${path}`, { headers: { cookie }, redirect: "manual" });
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect(res.headers.get(name), name).toBe(value);
    },
  );

  it("serves the page only to an operator (302 to /login otherwise), HTML and API as no-store", async () => {
    const anonymous = await fetch(`${base}/`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe("/login");
    const page = await fetch(`${base}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(await page.text()).toBe(PAGE["index.html"]);
    const login = await fetch(`${base}/login`);
    expect(login.status).toBe(200);
    expect(login.headers.get("cache-control")).toBe("no-store");
    const api = await fetch(`${base}/api/snapshot`, { headers: { cookie } });
    expect(api.headers.get("cache-control")).toBe("no-store");
  });

  it("serves assets with their content types and 404s unknown files and traversal attempts", async () => {
    const js = await fetch(`${base}/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const css = await fetch(`${base}/assets/app.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    for (const path of [
      "/assets/missing.js",
      "/assets/..%2f..%2faudit%2faudit-key.pem",
      "/assets/%2e%2e/index.html",
      "/assets/../../audit/audit-key.pem",
      "/assets/.hidden.js",
      "/assets/app.js.pem",
      "/state.js",
    ]) {
      expect(await rawStatus(path), path).toBe(404);
    }
  });

  it("keeps /healthz, /readyz and /metrics open and unchanged", async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-security-policy")).toBeNull();
  });

  it("answers /api/* with 401 JSON without a session", async () => {
    for (const path of ["/api/snapshot", "/api/audit"]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "login_required" });
    }
    const action = await fetch(`${base}/api/actions/run-evals`, {
      method: "POST",
      headers: { origin: base },
    });
    expect(action.status).toBe(401);
  });

  it("filters the audit ring by type, tool, subject and outcome, newest first, with a limit", async () => {
    const records = await auditRecords(base, cookie, "type=admin_action&limit=2");
    expect(records.length).toBeLessThanOrEqual(2);
    expect(records.every((r) => r.type === "admin_action")).toBe(true);
    const all = await auditRecords(base, cookie, "type=admin_action");
    const seqs = all.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(await auditRecords(base, cookie, "tool=nope")).toEqual([]);
  });
});

describe("CSRF and same-origin checks on state-changing routes", () => {
  it("refuses an action without the x-csrf-token header, with a wrong one, or from another origin (403)", async () => {
    const token = await csrfToken(base, cookie);
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/api/actions/reload-config`, { method: "POST", headers: { cookie, ...headers } });
    expect((await post({ origin: base })).status).toBe(403);
    expect((await post({ origin: base, "x-csrf-token": `${token.slice(0, -1)}x` })).status).toBe(403);
    expect((await post({ origin: "http://evil.example", "x-csrf-token": token })).status).toBe(403);
    expect((await post({ "x-csrf-token": token })).status).toBe(403);
    const ok = await post({ origin: base, "x-csrf-token": token });
    expect(ok.status).toBe(200);
    // No watched file in this sidecar: the action answers, and says why it did nothing.
    expect(await actionResult(ok)).toEqual({
      ok: false,
      message: "this sidecar watches no config file (set watch: FILE)",
    });
  });

  it("logs out only with the CSRF header, audits it, and clears the cookie", async () => {
    const session = await login(base);
    const token = await csrfToken(base, session);
    const bare = await fetch(`${base}/auth/logout`, {
      method: "POST",
      headers: { cookie: session, origin: base },
    });
    expect(bare.status).toBe(403);
    const res = await fetch(`${base}/auth/logout`, {
      method: "POST",
      headers: { cookie: session, origin: base, "x-csrf-token": token },
    });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()[0]).toMatch(/^mcp_operator=; Path=\/; Max-Age=0; HttpOnly/);
    await eventually("logout audited", async () => {
      const found = await auditRecords(base, cookie, "type=admin_action");
      return found.find((r) => r.action === "logout");
    });
  });
});

describe("behind a TLS-terminating proxy (trustProxy)", () => {
  it("takes the origin from X-Forwarded-Proto/Host and marks the session cookie Secure", async () => {
    const proxied = await startTestSidecar({ dashboard: { trustProxy: true } });
    try {
      const forwarded = { "x-forwarded-proto": "https", "x-forwarded-host": "dash.example" };
      const post = (origin: string) =>
        fetch(`${proxied.url}/auth/token`, {
          method: "POST",
          redirect: "manual",
          headers: { ...forwarded, origin, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ token: ADMIN_TOKEN }),
        });
      expect((await post(proxied.url)).status).toBe(403);
      const res = await post("https://dash.example");
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie()[0]).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
    } finally {
      await proxied.close();
    }
  });
});
