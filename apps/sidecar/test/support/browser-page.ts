/**
 * @module A headless Chromium (the system's, driven by playwright-core) for the dashboard's browser
 * test: every request to an origin other than the allowed ones is aborted and recorded, and the
 * sign-in goes through the provider's own login and consent pages as an operator would.
 */
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface BlockedRequest {
  url: string;
  /** the page that asked for it */
  from: string;
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** requests aborted because their origin was not allowed */
  readonly blocked: BlockedRequest[];
  /** console errors and uncaught exceptions of pages on `watchOrigin` */
  readonly errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(allowedOrigins: string[], watchOrigin: string): Promise<BrowserSession> {
  // A browser test that skips reads as green while proving nothing: fail and say what to install.
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: the dashboard's browser test needs one (\`apt-get install chromium\`, or set CHROMIUM_PATH)`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const blocked: BlockedRequest[] = [];
  const errors: string[] = [];
  const allowed = new Set(allowedOrigins);
  await context.route("**/*", async (route) => {
    const request = route.request();
    const origin = new URL(request.url()).origin;
    if (allowed.has(origin) || request.url().startsWith("data:")) return route.continue();
    let from = "";
    try {
      from = request.frame().url();
    } catch {
      // a request without a frame (a service worker's) has no page to name
    }
    blocked.push({ url: request.url(), from });
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  const onWatched = () => page.url().startsWith(`${watchOrigin}/`);
  page.on("console", (message) => {
    if (message.type() === "error" && onWatched()) errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => {
    if (onWatched()) errors.push(`page error: ${error.message}`);
  });
  return { browser, context, page, blocked, errors, close: () => browser.close() };
}

/**
 * From the dashboard's URL to the dashboard: the login page's SSO link, the provider's login form
 * (any password) and consent page, back through the sidecar's callback.
 */
export async function signInWithSso(
  page: Page,
  origin: string,
  issuer: string,
  account: string,
): Promise<void> {
  await page.goto(`${origin}/`);
  await page.waitForURL((url) => url.pathname === "/login");
  await Promise.all([page.waitForURL((url) => url.origin === issuer), page.getByTestId("login-sso").click()]);
  for (let step = 0; step < 4 && new URL(page.url()).origin === issuer; step++) {
    const login = page.locator('input[name="login"]');
    if ((await login.count()) > 0) {
      await login.fill(account);
      await page.locator('input[name="password"]').fill("any password");
    }
    await Promise.all([page.waitForEvent("load"), page.locator("button.login-submit").click()]);
  }
  await page.waitForURL(`${origin}/`);
}
