/**
 * @module The dashboard's secrets: the admin token, the cookie secret and the OIDC client secret,
 * each from its environment variable, else its file, else (admin token without OIDC, cookie
 * secret) made at random for this process. Never logged.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { SidecarConfig } from "../config.js";

export interface DashboardSecrets {
  adminToken: string | undefined;
  /** the admin token was made here: the operator must be told it once */
  adminTokenGenerated: boolean;
  cookieSecret: string;
  oidcClientSecret: string | undefined;
}

const MIN_COOKIE_SECRET = 32;
const MIN_ADMIN_TOKEN = 16;

export async function loadDashboardSecrets(
  settings: SidecarConfig["dashboard"],
  env: NodeJS.ProcessEnv,
): Promise<DashboardSecrets> {
  let adminToken = await secret(env.MCP_SIDECAR_ADMIN_TOKEN, settings.adminTokenFile, "adminTokenFile");
  let adminTokenGenerated = false;
  if (adminToken === undefined && settings.oidc === undefined) {
    adminToken = randomBytes(24).toString("base64url");
    adminTokenGenerated = true;
  }
  if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN)
    throw new TypeError(`the dashboard admin token must be at least ${MIN_ADMIN_TOKEN} characters`);
  const cookieSecret =
    (await secret(env.MCP_SIDECAR_COOKIE_SECRET, settings.cookieSecretFile, "cookieSecretFile")) ??
    randomBytes(32).toString("base64url");
  if (Buffer.byteLength(cookieSecret) < MIN_COOKIE_SECRET)
    throw new TypeError(`the dashboard cookie secret must be at least ${MIN_COOKIE_SECRET} bytes`);
  const oidcClientSecret = await secret(
    env.MCP_SIDECAR_OIDC_CLIENT_SECRET,
    settings.oidc?.clientSecretFile,
    "oidc.clientSecretFile",
  );
  return { adminToken, adminTokenGenerated, cookieSecret, oidcClientSecret };
}

async function secret(
  fromEnv: string | undefined,
  file: string | undefined,
  key: string,
): Promise<string | undefined> {
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new Error(`dashboard.${key}: cannot read ${file}`, { cause });
  }
  // Files from `echo` or a Kubernetes secret end with a newline that is not part of the secret.
  const value = text.trim();
  if (value === "") throw new Error(`dashboard.${key}: ${file} is empty`);
  return value;
}
