/**
 * @module The dashboard login without an identity provider: a static admin token, posted once as
 * a form field and compared as sha256 digests in constant time, traded for the same signed
 * session cookie the OIDC login sets (`OperatorSessions`), so the rest of the dashboard cannot
 * tell the two apart.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import express, { type RequestHandler } from "express";
import type { OperatorLogin } from "./router.js";
import { type Operator, OperatorSessions } from "./session.js";

export interface TokenOperatorLoginOptions {
  /** The admin token (at least 16 characters); only its sha256 digest is kept. */
  token: string;
  /** Who a token login is, in the session and the audit log. Default `{ subject: "admin" }`. */
  operator?: Operator;
  /** At least 32 bytes; the same secret as the OIDC login's, so both read each other's cookie. */
  cookieSecret: string | Uint8Array;
  /** Default "mcp_operator". */
  cookieName?: string;
  /** Default 8 hours. */
  sessionTtlSec?: number;
  /** Whether cookies get `Secure`. Default: never (plain http). */
  secure?: (request: IncomingMessage) => boolean;
  /** Where a successful login lands. Default "/". */
  afterLoginPath?: string;
  /** Where a browser lands after a wrong token. Default "/login?error=invalid_token". */
  failurePath?: string;
  onLogin?(operator: Operator): void;
  onLoginFailed?(reason: string): void;
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * `router` answers `POST /token` (form field `token`): 303 to `afterLoginPath` with the session
 * cookie, or, for a wrong token, 303 to `failurePath` for a browser form and 401 JSON otherwise.
 * The caller checks the request's Origin first (the router does not know the public origin).
 */
export function createTokenOperatorLogin(options: TokenOperatorLoginOptions): OperatorLogin {
  if (typeof options.token !== "string" || options.token.length < 16)
    throw new TypeError('"token" option must be a string of at least 16 characters');
  const expected = digest(options.token);
  const operator = options.operator ?? { subject: "admin" };
  const sessions = new OperatorSessions({
    cookieSecret: options.cookieSecret,
    ...(options.cookieName === undefined ? {} : { cookieName: options.cookieName }),
    ...(options.sessionTtlSec === undefined ? {} : { sessionTtlSec: options.sessionTtlSec }),
    secure: options.secure ?? (() => false),
  });
  const router = express.Router();
  router.post("/token", express.urlencoded({ extended: false, limit: "4kb" }), (req, res) => {
    const given = (req.body as Record<string, unknown> | undefined)?.token;
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (typeof given === "string" && timingSafeEqual(digest(given), expected)) {
      sessions.issue(req, res, operator);
      options.onLogin?.(operator);
      res.redirect(303, options.afterLoginPath ?? "/");
      return;
    }
    options.onLoginFailed?.(typeof given === "string" ? "wrong token" : "no token");
    if (req.accepts(["json", "html"]) === "html")
      res.redirect(303, options.failurePath ?? "/login?error=invalid_token");
    else res.status(401).json({ error: "login_failed", message: "wrong admin token" });
  });
  const requireOperator: RequestHandler = (req, res, next) => {
    const found = sessions.operatorOf(req);
    if (found === undefined) {
      res.status(401).json({ error: "login_required" });
      return;
    }
    res.locals.operator = found;
    next();
  };
  return {
    router,
    requireOperator,
    operatorOf: (request) => sessions.operatorOf(request),
    csrfTokenOf: (request) => sessions.csrfTokenOf(request),
    clearCookie: (request) => sessions.clearCookie(request),
  };
}
