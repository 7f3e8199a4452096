/**
 * Acceptance (issue 17): the operator dashboard in a real browser (system Chromium), against a real
 * OpenID provider, the `mcp-sidecar` CLI and the `mcp-runtime` CLI. An operator signs in with SSO
 * and lands on the page; a tool call made through the runtime shows up in the tools table within
 * 2 s without a reload; an eval that passes turns to "fail" within its schedule period (plus one
 * delta) after a hot reload changes the plugin's behaviour; the page asks no other origin for
 * anything, is served with the security headers, and the session cookie is HttpOnly and SameSite;
 * signing out ends the session. The login page's admin-token form signs in too, after showing why
 * a wrong token was refused.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modernCall } from "../../runtime/test/support/modern-call.js";
import { type BrowserSession, openBrowser, signInWithSso } from "./support/browser-page.js";
import {
  ADMIN_TOKEN,
  type BrowserStack,
  EVAL_NAME,
  OPERATOR,
  startBrowserStack,
} from "./support/browser-stack.js";

const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));

let stack: BrowserStack;
let session: BrowserSession;

beforeAll(async () => {
  stack = await startBrowserStack();
  session = await openBrowser([stack.origin, stack.provider.issuer], stack.origin);
}, 30_000);

afterAll(async () => {
  await session?.close();
  await stack?.close();
});

const callsOf = (page: Page, tool: string) =>
  page
    .locator(`[data-testid="tool-row"][data-tool="${tool}"]`)
    .getAttribute("data-calls", { timeout: 100 })
    .then(Number)
    .catch(() => 0);

/** Polls `read` until it returns true; resolves with the milliseconds it took. */
async function within(ms: number, what: string, read: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await read()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the operator dashboard in Chromium", () => {
  it("signs in with SSO, shows calls and eval results live, requests nothing foreign, and is served safely", async () => {
    const { page, context } = session;
    const { origin } = stack;

    await signInWithSso(page, origin, stack.provider.issuer, OPERATOR);
    // The document as the browser got it (a fresh load: everything below happens without another).
    const document = await page.goto(`${origin}/`);
    expect(document?.status()).toBe(200);
    const loadedAt = await page.evaluate(() => performance.timeOrigin);
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor({ timeout: 10_000 });
    expect(await page.locator("header").textContent()).toContain(OPERATOR);
    await page.locator('[data-testid="runtime-row"]').first().waitFor({ timeout: 10_000 });

    // Acceptance 1: a call through the runtime reaches the open page within 2 s.
    const before = await callsOf(page, "echo");
    await modernCall(
      stack.runtime.url,
      "tools/call",
      { name: "echo", arguments: { text: "hi" } },
      { name: "echo" },
    );
    const firstMs = await within(
      2_000,
      "the echo call on the page",
      async () => (await callsOf(page, "echo")) > before,
    );
    await modernCall(
      stack.runtime.url,
      "tools/call",
      { name: "echo", arguments: { text: "again" } },
      { name: "echo", id: 2 },
    );
    const secondMs = await within(
      2_000,
      "the second echo call on the page",
      async () => (await callsOf(page, "echo")) >= before + 2,
    );
    console.log(`tool call → dashboard row: ${firstMs} ms, then ${secondMs} ms`);

    // Acceptance 2: the eval passes, then fails after a hot reload changes the plugin's answer.
    const evalRow = page.locator(`[data-testid="eval-row"][data-eval="${EVAL_NAME}"]`);
    await page
      .locator(`[data-testid="eval-row"][data-eval="${EVAL_NAME}"][data-status="pass"]`)
      .waitFor({ timeout: 10_000 });
    const appliedBefore = await page.locator('[data-testid="config-row"][data-status="applied"]').count();
    await stack.setGreeting("Goodbye");
    // The sidecar's watch and push, one schedule period (1 s), one delta (1 s), and slack for CI.
    const failMs = await within(5_000, "the eval to fail after the reload", async () => {
      return (await evalRow.getAttribute("data-status")) === "fail";
    });
    await within(2_000, "the reload in the config history", async () => {
      return (
        (await page.locator('[data-testid="config-row"][data-status="applied"]').count()) > appliedBefore
      );
    });
    await evalRow.filter({ hasText: "Goodbye" }).waitFor({ timeout: 2_000 });
    console.log(`config file written → eval failed on the page: ${failMs} ms`);
    // ... and red in /metrics too: the sidecar's gauge and the runtime's own.
    const gauge = (text: string, name: string) =>
      new RegExp(`^${name}\\{[^}]*eval="${EVAL_NAME}"[^}]*\\} (\\d+)$`, "m").exec(text)?.[1];
    const sidecarMetrics = await (await fetch(`${origin}/metrics`)).text();
    expect(gauge(sidecarMetrics, "mcp_sidecar_eval_passing")).toBe("0");
    expect(sidecarMetrics).toMatch(/^mcp_sidecar_eval_pass_ratio\{tool="greet"\} 0$/m);
    const runtimeMetrics = await (await fetch(new URL("/metrics", stack.runtime.url))).text();
    expect(gauge(runtimeMetrics, "mcp_eval_passing")).toBe("0");

    // An operator action through the page: the CSRF header and same-origin check pass.
    await page.getByRole("button", { name: "Run evals now" }).click();
    await page.getByTestId("run-evals-result").filter({ hasText: "Done" }).waitFor({ timeout: 5_000 });

    expect(await page.evaluate(() => performance.timeOrigin)).toBe(loadedAt);

    // Acceptance 4: nothing asked of another origin by the sidecar's pages (the provider's own
    // dev login page asks Google Fonts, which is the provider's business, not the dashboard's).
    const fromDashboard = session.blocked.filter((request) => request.from.startsWith(`${origin}/`));
    expect(fromDashboard).toEqual([]);
    expect(session.errors).toEqual([]);

    const headers = document?.headers() ?? {};
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp.includes("frame-ancestors 'none'") || headers["x-frame-options"] === "DENY").toBe(true);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBeDefined();

    const cookies = await context.cookies(origin);
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie.httpOnly, `${cookie.name} HttpOnly`).toBe(true);
      expect(["Lax", "Strict"], `${cookie.name} SameSite`).toContain(cookie.sameSite);
    }

    await mkdir(ARTIFACTS, { recursive: true });
    const screenshot = join(ARTIFACTS, "dashboard.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`dashboard screenshot: ${screenshot}`);

    // Signing out ends the session: the page goes to the login page and the API answers 401.
    await Promise.all([
      page.waitForURL(`${origin}/login`),
      page.getByRole("button", { name: "Sign out" }).click(),
    ]);
    expect((await page.request.get(`${origin}/api/snapshot`)).status()).toBe(401);
  }, 60_000);

  it("signs in with the admin token and runs live with the network to anything but the sidecar blocked", async () => {
    // A browser of its own whose only reachable origin is the sidecar: no CDN, no provider.
    const strict = await openBrowser([stack.origin], stack.origin);
    const { page } = strict;
    const { origin } = stack;
    /** Submits the login form; resolves with where the sidecar sent the browser (or why it did not). */
    const submit = async (token: string) => {
      await page.getByTestId("login-token").fill(token);
      const [answer] = await Promise.all([
        page.waitForResponse((response) => response.url() === `${origin}/auth/token`),
        page.getByTestId("login-submit").click(),
      ]);
      const body = answer.status() === 303 ? "" : await answer.text();
      return `${answer.status()} ${answer.headers().location ?? body}`;
    };

    await page.goto(`${origin}/login`);
    await page.getByTestId("login-sso").waitFor({ timeout: 5_000 });
    // The form posts as a navigation: its Origin header must still name the page (Referrer-Policy).
    expect(await submit("not-the-admin-token")).toBe("303 /login?error=invalid_token");
    await page.getByRole("alert").filter({ hasText: "not accepted" }).waitFor({ timeout: 5_000 });
    expect(await submit(ADMIN_TOKEN)).toBe("303 /");
    await page.waitForURL(`${origin}/`, { timeout: 5_000 });
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="tool-row"][data-tool="echo"]').waitFor({ timeout: 5_000 });
    try {
      expect(strict.errors).toEqual([]);
      expect(strict.blocked).toEqual([]);
    } finally {
      await strict.close();
    }
  }, 30_000);
});
