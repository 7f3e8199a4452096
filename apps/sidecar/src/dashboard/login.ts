/**
 * @module The dashboard's operator login: OIDC (`dashboard.oidc`) and/or the admin token, both
 * from `@mcp-runtime/auth/operator-login` with one cookie secret and name, so either login's
 * session is read the same way. Every login, refused login and logout is audited by the caller's
 * `audit` as an `admin_action`.
 */
import type { IncomingMessage } from "node:http";
import {
  createOperatorLogin,
  createTokenOperatorLogin,
  type Operator,
  type OperatorLogin,
} from "@mcp-runtime/auth/operator-login";
import type { SidecarConfig } from "../config.js";
import type { LoginModes } from "./protocol.js";
import type { DashboardSecrets } from "./secrets.js";
import { isHttps } from "./security.js";

export type AuditAction = (
  actor: string,
  action: "login" | "login_failed" | "logout" | "run-evals" | "reload-config",
  detail?: Record<string, string | number | boolean>,
) => void;

export interface DashboardLogin {
  readonly modes: LoginModes;
  readonly oidc: OperatorLogin | undefined;
  readonly token: OperatorLogin | undefined;
  operatorOf(request: IncomingMessage): Operator | undefined;
  csrfTokenOf(request: IncomingMessage): string | undefined;
  clearCookie(request: IncomingMessage): string;
}

const COOKIE_NAME = "mcp_operator";

export async function createDashboardLogin(
  settings: SidecarConfig["dashboard"],
  secrets: DashboardSecrets,
  audit: AuditAction,
): Promise<DashboardLogin> {
  const sessionTtlSec = Math.round(settings.sessionTtlHours * 3600);
  const shared = { cookieSecret: secrets.cookieSecret, cookieName: COOKIE_NAME, sessionTtlSec };
  const { oidc: oidcSettings } = settings;
  const oidc =
    oidcSettings === undefined
      ? undefined
      : await createOperatorLogin({
          ...shared,
          issuer: oidcSettings.issuer,
          clientId: oidcSettings.clientId,
          ...(secrets.oidcClientSecret === undefined ? {} : { clientSecret: secrets.oidcClientSecret }),
          redirectUri: oidcSettings.redirectUri,
          ...(oidcSettings.scope === undefined ? {} : { scope: oidcSettings.scope }),
          ...(oidcSettings.allowedSubjects === undefined
            ? {}
            : { allowedSubjects: oidcSettings.allowedSubjects }),
          onLogin: (operator) => audit(operator.subject, "login", { method: "oidc" }),
          onLoginFailed: (reason, subject) =>
            audit(subject ?? "unknown", "login_failed", { method: "oidc", reason }),
        });
  const httpsRedirect = oidcSettings !== undefined && new URL(oidcSettings.redirectUri).protocol === "https:";
  const token =
    secrets.adminToken === undefined
      ? undefined
      : createTokenOperatorLogin({
          ...shared,
          token: secrets.adminToken,
          secure: (request) => httpsRedirect || isHttps(request, settings.trustProxy),
          onLogin: (operator) => audit(operator.subject, "login", { method: "token" }),
          onLoginFailed: (reason) => audit("unknown", "login_failed", { method: "token", reason }),
        });
  // Both read the same cookie with the same secret: either one answers for both.
  const reader = oidc ?? token;
  if (reader === undefined) throw new TypeError("the dashboard needs dashboard.oidc or an admin token");
  return {
    modes: { oidc: oidc !== undefined, token: token !== undefined },
    oidc,
    token,
    operatorOf: (request) => reader.operatorOf(request),
    csrfTokenOf: (request) => reader.csrfTokenOf(request),
    clearCookie: (request) => reader.clearCookie(request),
  };
}
