/**
 * @module The runtime's own access token for a remote upstream: the OAuth 2.0 client credentials
 * grant (RFC 6749 section 4.4, client authentication by `client_secret_post`, which every common
 * authorization server accepts), cached until shortly before it expires and fetched again after a
 * 401. A downstream client's token never gets here: upstreams only ever see this one.
 */
import type { UpstreamOAuthConfig } from "@mcp-runtime/config";
import { scrubSecrets, UpstreamError } from "./errors.js";

/** Without `expires_in`, a token is reused this long (or until the upstream answers 401). */
const DEFAULT_LIFETIME_MS = 5 * 60_000;

export class ClientCredentialsTokens {
  private readonly upstream: string;
  private readonly config: UpstreamOAuthConfig;
  private readonly fetchImpl: typeof fetch;
  private current: { token: string; refreshAt: number } | undefined;
  private inFlight: Promise<string> | undefined;

  constructor(upstream: string, config: UpstreamOAuthConfig, fetchImpl: typeof fetch = fetch) {
    this.upstream = upstream;
    this.config = config;
    this.fetchImpl = fetchImpl;
  }

  /** A valid token; concurrent callers share one token request. */
  token(): Promise<string> {
    if (this.current && Date.now() < this.current.refreshAt) return Promise.resolve(this.current.token);
    this.inFlight ??= this.request().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** The upstream refused `token`: the next `token()` asks for a new one. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private async request(): Promise<string> {
    const { tokenUrl, clientId, clientSecret, scopes, audience } = this.config;
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
    });
    if (scopes && scopes.length > 0) form.set("scope", scopes.join(" "));
    if (audience !== undefined) form.set("audience", audience);
    const fail = (detail: string, cause?: unknown) =>
      new UpstreamError(
        "UPSTREAM_AUTH_FAILED",
        this.upstream,
        scrubSecrets(`upstream "${this.upstream}": token request to ${tokenUrl} failed: ${detail}`),
        { cause },
      );
    let response: Response;
    try {
      response = await this.fetchImpl(tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (cause) {
      throw fail(cause instanceof Error ? cause.message : String(cause));
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      // RFC 6749 section 5.2: `error` is a code from a fixed list, safe to repeat; the description is not.
      const code = typeof body.error === "string" ? ` ${body.error.slice(0, 64)}` : "";
      throw fail(`HTTP ${response.status}${code}`);
    }
    const token = body.access_token;
    if (typeof token !== "string" || token.length === 0) throw fail("no access_token in the response");
    const lifetimeMs =
      typeof body.expires_in === "number" && body.expires_in > 0
        ? body.expires_in * 1000
        : DEFAULT_LIFETIME_MS;
    // Refresh a little early so a token never expires in flight: 10 % of its life, at most a minute.
    this.current = { token, refreshAt: Date.now() + lifetimeMs - Math.min(60_000, lifetimeMs * 0.1) };
    return token;
  }
}

/** A fetch that sends the runtime's bearer token and, after a 401, fetches a new one and retries once. */
export function authorizedFetch(tokens: ClientCredentialsTokens, base: typeof fetch = fetch): typeof fetch {
  const attempt = async (
    input: Parameters<typeof fetch>[0],
    init: RequestInit | undefined,
    token: string,
  ) => {
    const headers = new Headers(init?.headers);
    headers.set("authorization", `Bearer ${token}`);
    return base(input, { ...init, headers });
  };
  return async (input, init) => {
    const token = await tokens.token();
    const response = await attempt(input, init, token);
    if (response.status !== 401) return response;
    await response.body?.cancel().catch(() => {});
    tokens.invalidate(token);
    return attempt(input, init, await tokens.token());
  };
}
