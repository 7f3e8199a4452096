/** @module The http-fetch plugin's errors: one class with a stable `code`, messages safe to show a client. */
import { SafeFetchError } from "@mcp-runtime/plugin-sdk";

export type HttpFetchErrorCode =
  | "ERR_URL"
  | "ERR_REFUSED"
  | "ERR_TIMEOUT"
  | "ERR_TOO_LARGE"
  | "ERR_BINARY"
  | "ERR_NETWORK";

export class HttpFetchError extends Error {
  readonly code: HttpFetchErrorCode;
  constructor(code: HttpFetchErrorCode, message: string) {
    super(message);
    this.name = "HttpFetchError";
    this.code = code;
  }
}

const GRANT_HINT = "an operator can allow a host by name in this plugin's sandbox.net.allow";

/**
 * Maps a failed `ctx.fetch` to a client-facing error. Cancellation by the client is rethrown
 * untouched (the host reports it); anything that is not a fetch failure is a bug and rethrown too.
 */
export function toHttpFetchError(
  cause: unknown,
  at: { url: string; timeout: AbortSignal; timeoutMs: number; cancel: AbortSignal },
): unknown {
  if (at.cancel.aborted) return cause;
  if (at.timeout.aborted)
    return new HttpFetchError("ERR_TIMEOUT", `timed out after ${at.timeoutMs} ms fetching ${at.url}`);
  if (cause instanceof SafeFetchError) {
    switch (cause.code) {
      case "ERR_FETCH_BLOCKED":
      case "ERR_FETCH_NOT_ALLOWED":
        return new HttpFetchError("ERR_REFUSED", `${cause.message} (${GRANT_HINT})`);
      case "ERR_FETCH_PROTOCOL":
        return new HttpFetchError("ERR_URL", cause.message);
      case "ERR_FETCH_REDIRECTS":
        return new HttpFetchError("ERR_NETWORK", `too many redirects fetching ${at.url}: ${cause.message}`);
      case "ERR_FETCH_TOO_LARGE":
        // Not expected: fetch_url asks ctx.fetch to truncate. Kept so the mapping stays total.
        return new HttpFetchError(
          "ERR_TOO_LARGE",
          `the response from ${at.url} is too large: ${cause.message}`,
        );
    }
  }
  if (cause instanceof Error) {
    const code = "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
    return new HttpFetchError("ERR_NETWORK", `could not fetch ${at.url}: ${code ?? cause.message}`);
  }
  return cause;
}
