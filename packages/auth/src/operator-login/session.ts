/**
 * @module The operator session both logins share (OIDC and the static admin token): one signed
 * HttpOnly cookie holding the operator, and the CSRF token derived from it (an HMAC of the cookie
 * value under a key of its own), so a page that can read the token can only have got it from us.
 */
import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { CookieSigner, readCookie, serializeCookie } from "./signed-cookie.js";

export interface Operator {
  subject: string;
  name?: string;
  email?: string;
}

export interface OperatorSessionOptions {
  /** At least 32 bytes; rotate it to log every operator out. */
  cookieSecret: string | Uint8Array;
  /** Default "mcp_operator". */
  cookieName?: string;
  /** Default 8 hours. */
  sessionTtlSec?: number;
  /** Whether cookies get `Secure` (the dashboard is served over https). */
  secure: (request: IncomingMessage) => boolean;
}

export class OperatorSessions {
  readonly cookieName: string;
  readonly signer: CookieSigner;
  readonly secure: (request: IncomingMessage) => boolean;
  private readonly ttl: number;
  private readonly csrfKey: Buffer;

  constructor(options: OperatorSessionOptions) {
    this.signer = new CookieSigner(options.cookieSecret);
    this.cookieName = options.cookieName ?? "mcp_operator";
    this.ttl = options.sessionTtlSec ?? 8 * 3600;
    if (!Number.isSafeInteger(this.ttl) || this.ttl < 1)
      throw new TypeError('"sessionTtlSec" option must be a positive integer');
    this.secure = options.secure;
    // A key of its own, so a CSRF token is never a valid cookie MAC and the other way round.
    this.csrfKey = createHmac("sha256", Buffer.from(options.cookieSecret)).update("csrf").digest();
  }

  /** Appends the session cookie for `operator` to the response. */
  issue(request: IncomingMessage, response: ServerResponse, operator: Operator): void {
    const value = this.signer.sign({ op: operator }, this.ttl);
    response.appendHeader(
      "set-cookie",
      serializeCookie(this.cookieName, value, {
        secure: this.secure(request),
        path: "/",
        maxAgeSec: this.ttl,
      }),
    );
  }

  /** The Set-Cookie value that ends the session. */
  clearCookie(request: IncomingMessage): string {
    return serializeCookie(this.cookieName, "", { secure: this.secure(request), path: "/", maxAgeSec: 0 });
  }

  operatorOf(request: IncomingMessage): Operator | undefined {
    const op = this.signer.verify(readCookie(request.headers.cookie, this.cookieName))?.op as
      | Operator
      | undefined;
    return typeof op === "object" && op !== null && typeof op.subject === "string" ? op : undefined;
  }

  /** The CSRF token of the request's session, when it has a valid one. */
  csrfTokenOf(request: IncomingMessage): string | undefined {
    const value = readCookie(request.headers.cookie, this.cookieName);
    if (value === undefined || this.signer.verify(value) === undefined) return undefined;
    return createHmac("sha256", this.csrfKey).update(value).digest("base64url");
  }
}
