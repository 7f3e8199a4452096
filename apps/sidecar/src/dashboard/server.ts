/**
 * @module The dashboard's HTTP routes (see protocol.ts): the page and its assets, login and
 * logout, `/api/snapshot`, `/api/audit` and the two operator actions, as an express app the
 * sidecar's node:http server hands every request it does not answer itself. Every response gets
 * the security headers; HTML and JSON are `no-store`.
 */
import express, { type NextFunction, type Request, type Response } from "express";
import type { AuditFilter } from "./audit-ring.js";
import type { AuditAction, DashboardLogin } from "./login.js";
import { type ActionResult, AUDIT_RING } from "./protocol.js";
import { csrfMatches, sameOrigin, setSecurityHeaders } from "./security.js";
import type { DashboardState } from "./state.js";
import { sendStatic } from "./static-files.js";

export interface DashboardActions {
  runEvals(actor: string): ActionResult;
  reloadConfig(actor: string): Promise<ActionResult>;
}

export interface DashboardAppOptions {
  login: DashboardLogin;
  state: DashboardState;
  /** the built page's folder */
  root: string;
  trustProxy: boolean;
  actions: DashboardActions;
  audit: AuditAction;
}

const FILTERS = ["subject", "tool", "outcome", "type"] as const;

export function createDashboardApp(options: DashboardAppOptions): express.Express {
  const { login, state, root, trustProxy, actions } = options;
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use((_req, res, next) => {
    setSecurityHeaders(res);
    // Everything but the assets (which set their own) may hold an operator's data or session.
    res.setHeader("cache-control", "no-store");
    next();
  });
  /** A state-changing request: same-origin, with the session's CSRF token. */
  const guarded = (req: Request, res: Response, next: NextFunction) => {
    const operator = login.operatorOf(req);
    if (operator === undefined) return void res.status(401).json({ error: "login_required" });
    if (!sameOrigin(req, trustProxy)) return void res.status(403).json({ error: "cross_origin" });
    if (!csrfMatches(req, login.csrfTokenOf(req))) return void res.status(403).json({ error: "csrf" });
    res.locals.operator = operator;
    next();
  };

  app.get("/auth/modes", (_req, res) => void res.json(login.modes));
  app.post("/auth/logout", guarded, (req, res) => {
    options.audit(res.locals.operator.subject, "logout");
    res.append("set-cookie", login.clearCookie(req));
    res.status(204).end();
  });
  if (login.token !== undefined) {
    app.post("/auth/token", (req, res, next) => {
      // A login form on another site must not log the browser in (login CSRF).
      if (!sameOrigin(req, trustProxy)) return void res.status(403).json({ error: "cross_origin" });
      next();
    });
    app.use("/auth", login.token.router);
  }
  if (login.oidc !== undefined) app.use("/auth", login.oidc.router);

  const page = (file: string) => async (_req: Request, res: Response) => {
    if (!(await sendStatic(res, root, file))) notFound(res);
  };
  app.get(["/", "/index.html"], (req, res, next) => {
    if (login.operatorOf(req) === undefined) return void res.redirect(302, "/login");
    return page("index.html")(req, res).catch(next);
  });
  app.get("/login", (req, res, next) => void page("login.html")(req, res).catch(next));
  app.get("/assets/{*path}", async (req, res) => {
    const path = (req.params as { path?: string[] }).path ?? [];
    if (!(await sendStatic(res, root, `assets/${path.join("/")}`))) notFound(res);
  });

  app.use("/api", (req, res, next) => {
    const operator = login.operatorOf(req);
    if (operator === undefined) return void res.status(401).json({ error: "login_required" });
    res.locals.operator = operator;
    next();
  });
  app.get("/api/snapshot", (req, res) => {
    const { subject, name } = res.locals.operator as { subject: string; name?: string };
    res.json(
      state.snapshot(name === undefined ? { subject } : { subject, name }, login.csrfTokenOf(req) ?? ""),
    );
  });
  app.get("/api/audit", (req, res) => {
    const filter: AuditFilter = {};
    for (const key of FILTERS) {
      const value = req.query[key];
      if (typeof value === "string" && value !== "") filter[key] = value;
    }
    const limit = Number(req.query.limit);
    filter.limit = Number.isSafeInteger(limit) && limit > 0 ? Math.min(limit, AUDIT_RING) : 200;
    res.json({ records: state.audit.query(filter) });
  });
  app.post("/api/actions/run-evals", guarded, (_req, res) => {
    res.json(actions.runEvals(res.locals.operator.subject));
  });
  app.post("/api/actions/reload-config", guarded, async (_req, res) => {
    res.json(await actions.reloadConfig(res.locals.operator.subject));
  });

  app.use((_req: Request, res: Response) => notFound(res));
  app.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (!res.headersSent) res.status(500).json({ error: "internal" });
    else res.end();
  });
  return app;
}

function notFound(res: Response): void {
  res.status(404).json({ error: "not found" });
}
