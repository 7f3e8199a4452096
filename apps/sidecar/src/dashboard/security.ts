/**
 * @module The dashboard's browser-facing guards: security headers on every response, the
 * same-origin check (the `Origin` a browser sends must be this sidecar's own, worked out from
 * `Host`, or from `X-Forwarded-*` behind a trusted proxy) and the CSRF check of state-changing
 * requests (header `x-csrf-token` equal to the HMAC of the session cookie).
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const HEADERS: [string, string][] = [
  ["content-security-policy", CSP],
  ["x-content-type-options", "nosniff"],
  ["referrer-policy", "no-referrer"],
  ["x-frame-options", "DENY"],
  ["cross-origin-opener-policy", "same-origin"],
  ["cross-origin-resource-policy", "same-origin"],
];

export function setSecurityHeaders(response: ServerResponse): void {
  for (const [name, value] of HEADERS) response.setHeader(name, value);
}

const first = (value: string | string[] | undefined): string | undefined =>
  (Array.isArray(value) ? value[0] : value)?.split(",")[0]?.trim() || undefined;

/** The origin a browser sees this sidecar at. */
export function ownOrigin(request: IncomingMessage, trustProxy: boolean): string | undefined {
  const host = (trustProxy ? first(request.headers["x-forwarded-host"]) : undefined) ?? request.headers.host;
  if (host === undefined) return undefined;
  const proto = (trustProxy ? first(request.headers["x-forwarded-proto"]) : undefined) ?? "http";
  return `${proto}://${host}`.toLowerCase();
}

export function isHttps(request: IncomingMessage, trustProxy: boolean): boolean {
  return trustProxy && first(request.headers["x-forwarded-proto"]) === "https";
}

/**
 * True when the request comes from a page of this sidecar: its `Origin` is our own, or, for a
 * form posted as a navigation, which browsers send with `Origin: null` under our
 * `Referrer-Policy: no-referrer` (Fetch, "serializing a request origin"), the browser's own
 * `Sec-Fetch-Site: same-origin` (a header no page script can set).
 */
export function sameOrigin(request: IncomingMessage, trustProxy: boolean): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === "null") return request.headers["sec-fetch-site"] === "same-origin";
  return origin.toLowerCase() === ownOrigin(request, trustProxy);
}

/** For the WebSocket: browsers always send the real `Origin` on an upgrade. */
export function sameOriginStrict(request: IncomingMessage, trustProxy: boolean): boolean {
  const origin = request.headers.origin;
  return origin !== undefined && origin.toLowerCase() === ownOrigin(request, trustProxy);
}

/** Constant-time comparison of the sent CSRF header with the session's token. */
export function csrfMatches(request: IncomingMessage, expected: string | undefined): boolean {
  const given = request.headers["x-csrf-token"];
  if (expected === undefined || typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
