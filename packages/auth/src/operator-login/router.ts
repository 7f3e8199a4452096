/**
 * @module Operators' login to the dashboard: passport with openid-client's strategy
 * (authorization code + PKCE, state and verifier kept in a short-lived signed cookie instead of a
 * server-side session store), then the operator's session in a signed HttpOnly cookie. Returns an
 * express router (`/login`, `/callback`, `/logout`, `/me`) and a guard for dashboard routes.
 */
import type { IncomingMessage } from "node:http";
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from "express";
import * as client from "openid-client";
import { Strategy, type VerifyFunction } from "openid-client/passport";
import passport from "passport";
import { AuthError } from "../errors.js";
import { type Operator, OperatorSessions } from "./session.js";
import { readCookie, serializeCookie } from "./signed-cookie.js";

export interface OperatorLoginOptions {
  issuer: string;
  clientId: string;
  /** Confidential clients; public clients rely on PKCE alone. */
  clientSecret?: string;
  /** Absolute URL of this router's `/callback`, as registered at the provider. */
  redirectUri: string;
  /** Default "openid profile email". */
  scope?: string;
  /** At least 32 bytes; rotate it to log every operator out. */
  cookieSecret: string | Uint8Array;
  /** Default "mcp_operator". */
  cookieName?: string;
  /** Default 8 hours. */
  sessionTtlSec?: number;
  /** Subjects allowed in; default: anyone the provider authenticates. */
  allowedSubjects?: readonly string[];
  /** Where a successful login lands. Default "/". */
  afterLoginPath?: string;
  /** Called after a successful login, before the redirect (to audit it). */
  onLogin?(operator: Operator): void;
  /** Called when a login is refused: `subject` when the provider knew who it was. */
  onLoginFailed?(reason: string, subject?: string): void;
}

export interface OperatorLogin {
  readonly router: Router;
  /** 401 JSON unless the request carries a valid operator session; sets `res.locals.operator`. */
  readonly requireOperator: RequestHandler;
  operatorOf(request: IncomingMessage): Operator | undefined;
  /** The session's CSRF token (an HMAC of the cookie), for state-changing requests to echo in a header. */
  csrfTokenOf(request: IncomingMessage): string | undefined;
  /** The Set-Cookie value that ends the session. */
  clearCookie(request: IncomingMessage): string;
}

const STRATEGY = "mcp-operator";
const TX_TTL_SEC = 600;
const NOT_AN_OPERATOR = "not an operator";

interface Denial {
  message: typeof NOT_AN_OPERATOR;
  subject: string;
}

const isDenial = (info: unknown): info is Denial =>
  typeof info === "object" && info !== null && (info as { message?: unknown }).message === NOT_AN_OPERATOR;

export async function createOperatorLogin(options: OperatorLoginOptions): Promise<OperatorLogin> {
  const secure = new URL(options.redirectUri).protocol === "https:";
  const sessions = new OperatorSessions({
    cookieSecret: options.cookieSecret,
    ...(options.cookieName === undefined ? {} : { cookieName: options.cookieName }),
    ...(options.sessionTtlSec === undefined ? {} : { sessionTtlSec: options.sessionTtlSec }),
    secure: () => secure,
  });
  const { signer } = sessions;
  const txCookie = `${sessions.cookieName}_tx`;
  const issuer = new URL(options.issuer);
  let config: client.Configuration;
  try {
    config = await client.discovery(
      issuer,
      options.clientId,
      options.clientSecret,
      // Basic is the one method RFC 6749 §2.3.1 requires every provider to support.
      options.clientSecret === undefined ? client.None() : client.ClientSecretBasic(options.clientSecret),
      issuer.protocol === "http:" ? { execute: [client.allowInsecureRequests] } : undefined,
    );
  } catch (cause) {
    throw new AuthError("ERR_AUTH_OPERATOR_LOGIN", `cannot discover ${options.issuer}`, { cause });
  }
  const verify: VerifyFunction = (tokens, done) => {
    const claims = tokens.claims();
    if (claims === undefined)
      return done(new AuthError("ERR_AUTH_OPERATOR_LOGIN", "the provider sent no ID token"));
    const operator: Operator = { subject: claims.sub };
    if (typeof claims.name === "string") operator.name = claims.name;
    if (typeof claims.email === "string") operator.email = claims.email;
    if (options.allowedSubjects !== undefined && !options.allowedSubjects.includes(operator.subject)) {
      return done(null, false, { message: NOT_AN_OPERATOR, subject: operator.subject } satisfies Denial);
    }
    return done(null, operator);
  };
  const authenticator = new passport.Passport();
  authenticator.use(
    STRATEGY,
    new Strategy(
      { config, callbackURL: options.redirectUri, scope: options.scope ?? "openid profile email" },
      verify,
    ),
  );

  /** The strategy keeps state/verifier in `req.session[key]`; this one lives in a signed cookie. */
  const transaction = (req: Request, res: Response) => {
    const stored = signer.verify(readCookie(req.headers.cookie, txCookie));
    const data: Record<string, unknown> = stored?.tx !== undefined ? { [String(stored.key)]: stored.tx } : {};
    const cookie = { secure, path: "/", maxAgeSec: TX_TTL_SEC };
    return new Proxy(data, {
      set(target, key, value) {
        target[String(key)] = value;
        res.append(
          "set-cookie",
          serializeCookie(txCookie, signer.sign({ key: String(key), tx: value }, TX_TTL_SEC), cookie),
        );
        return true;
      },
      deleteProperty(target, key) {
        delete target[String(key)];
        res.append("set-cookie", serializeCookie(txCookie, "", { ...cookie, maxAgeSec: 0 }));
        return true;
      },
    });
  };

  const run = (req: Request, res: Response, next: NextFunction) => {
    (req as Request & { session?: unknown }).session = transaction(req, res);
    authenticator.authenticate(
      STRATEGY,
      { session: false },
      (error: unknown, user: Operator | false, info: unknown) => {
        if (!error && !user && isDenial(info)) {
          options.onLoginFailed?.(NOT_AN_OPERATOR, info.subject);
          res.status(403).json({ error: "access_denied", message: "not an operator" });
          return;
        }
        if (error || !user) {
          // A missing or forged login transaction (state, PKCE verifier) lands here too.
          options.onLoginFailed?.(error instanceof Error ? error.message : "no operator from the provider");
          res.status(401).json({ error: "login_failed", message: "login failed; start again at /login" });
          return;
        }
        sessions.issue(req, res, user);
        options.onLogin?.(user);
        res.redirect(303, options.afterLoginPath ?? "/");
      },
    )(req, res, next);
  };

  const operatorOf = (request: IncomingMessage) => sessions.operatorOf(request);

  const router = express.Router();
  router.get("/login", run);
  router.get("/callback", run);
  router.post("/logout", (req, res) => {
    res.append("set-cookie", sessions.clearCookie(req));
    res.status(204).end();
  });
  router.get("/me", (req, res) => {
    const operator = operatorOf(req);
    if (operator === undefined) res.status(401).json({ error: "login_required" });
    else res.json(operator);
  });
  const requireOperator: RequestHandler = (req, res, next) => {
    const operator = operatorOf(req);
    if (operator === undefined) {
      res.status(401).json({ error: "login_required" });
      return;
    }
    res.locals.operator = operator;
    next();
  };
  return {
    router,
    requireOperator,
    operatorOf,
    csrfTokenOf: (request) => sessions.csrfTokenOf(request),
    clearCookie: (request) => sessions.clearCookie(request),
  };
}
