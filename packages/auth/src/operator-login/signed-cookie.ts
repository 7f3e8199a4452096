/**
 * @module Signed cookies for operator sessions: `base64url(JSON).base64url(HMAC-SHA256)`, checked
 * in constant time, with an expiry inside the signed payload (a replayed old cookie is refused even
 * if the browser kept it). HttpOnly always; Secure when the dashboard is served over https.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export interface CookieOptions {
  secure: boolean;
  path: string;
  maxAgeSec: number;
}

export class CookieSigner {
  private readonly key: Buffer;

  constructor(secret: string | Uint8Array) {
    const key = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
    if (key.length < 32) throw new TypeError('"cookieSecret" option must be at least 32 bytes');
    this.key = key;
  }

  /** `payload` gets an `exp` (seconds since the epoch) added. */
  sign(payload: Record<string, unknown>, maxAgeSec: number): string {
    const body = Buffer.from(
      JSON.stringify({ ...payload, exp: Math.floor(Date.now() / 1000) + maxAgeSec }),
    ).toString("base64url");
    return `${body}.${this.mac(body)}`;
  }

  verify(value: string | undefined): Record<string, unknown> | undefined {
    if (value === undefined) return undefined;
    const dot = value.indexOf(".");
    if (dot < 1) return undefined;
    const body = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1), "base64url");
    const expected = Buffer.from(this.mac(body), "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    } catch {
      return undefined;
    }
    if (typeof payload !== "object" || payload === null) return undefined;
    const exp = (payload as { exp?: unknown }).exp;
    if (typeof exp !== "number" || exp <= Date.now() / 1000) return undefined;
    return payload as Record<string, unknown>;
  }

  private mac(body: string): string {
    return createHmac("sha256", this.key).update(body).digest("base64url");
  }
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSec}`,
    "HttpOnly",
    "SameSite=Lax",
  ];
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
