/**
 * @module The sidecar's own config file (YAML or JSON): schema, defaults, loading. Validated like
 * the runtime's: unknown keys are errors, each issue is reported as `path: message`. Relative
 * paths are resolved against the file's folder (or the working directory without a file).
 */
import { dirname, resolve } from "node:path";
import { formatIssues, readConfigFile } from "@mcp-runtime/config";
import { z } from "zod";

const MiB = 1024 * 1024;
const posInt = z.number().int().positive();
const nonEmpty = z.string().min(1);

const forwardSchema = z.strictObject({
  syslog: z.strictObject({ host: nonEmpty, port: z.number().int().min(1).max(65535) }).optional(),
  http: z
    .strictObject({
      url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
      headers: z.record(nonEmpty, z.string()).default({}),
    })
    .optional(),
});

const auditSchema = z.strictObject({
  dir: nonEmpty.default("./audit"),
  /** Ed25519 private key (PKCS#8 PEM); default `<dir>/audit-key.pem`, created on first start */
  keyFile: nonEmpty.optional(),
  maxBytes: posInt.default(64 * MiB),
  maxAgeHours: z.number().positive().default(24),
  checkpointEvery: posInt.default(1_000),
  checkpointIntervalMs: posInt.default(10_000),
  forward: forwardSchema.prefault({}),
});

const oidcSchema = z.strictObject({
  issuer: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  clientId: nonEmpty,
  /** confidential clients; MCP_SIDECAR_OIDC_CLIENT_SECRET beats it */
  clientSecretFile: nonEmpty.optional(),
  /** this sidecar's `/auth/callback`, as registered at the provider */
  redirectUri: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  scope: nonEmpty.optional(),
  allowedSubjects: z.array(nonEmpty).min(1).optional(),
});

const dashboardSchema = z.strictObject({
  enabled: z.boolean().default(true),
  oidc: oidcSchema.optional(),
  /** MCP_SIDECAR_ADMIN_TOKEN beats it; without either (and without oidc) a token is made at start */
  adminTokenFile: nonEmpty.optional(),
  /** MCP_SIDECAR_COOKIE_SECRET beats it; without either, a random one (sessions end on restart) */
  cookieSecretFile: nonEmpty.optional(),
  sessionTtlHours: z
    .number()
    .positive()
    .max(24 * 30)
    .default(8),
  /** trust X-Forwarded-Proto/Host from a reverse proxy (Secure cookies, same-origin checks) */
  trustProxy: z.boolean().default(false),
});

const captureSchema = z
  .strictObject({
    dir: nonEmpty.default("./capture"),
    maxBytes: posInt.default(256 * MiB),
    fileMaxBytes: posInt.default(16 * MiB),
  })
  .refine((capture) => capture.fileMaxBytes <= capture.maxBytes, {
    path: ["fileMaxBytes"],
    message: "must not exceed capture.maxBytes",
  });

export const sidecarConfigSchema = z.strictObject({
  host: nonEmpty.default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(8090),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
  audit: auditSchema.prefault({}),
  /** the runtime config file to validate and push to runtimes when it changes */
  watch: nonEmpty.optional(),
  dashboard: dashboardSchema.prefault({}),
  /** where captured calls (runtimes' `telemetry.capture`) are kept for `mcp-sidecar replay` */
  capture: captureSchema.prefault({}),
});

export type SidecarConfig = z.output<typeof sidecarConfigSchema>;

export type LoadedSidecarConfig =
  | { ok: true; config: SidecarConfig; file: string | undefined }
  | { ok: false; issues: string[] };

export interface SidecarFlags {
  host?: string;
  port?: number;
}

/** Loads, validates and resolves paths; flags beat the file. */
export async function loadSidecarConfig(
  file: string | undefined,
  flags: SidecarFlags = {},
  cwd = process.cwd(),
): Promise<LoadedSidecarConfig> {
  let raw: unknown = {};
  const path = file === undefined ? undefined : resolve(cwd, file);
  if (path !== undefined) {
    // The runtime config's reader: same formats, same "path: message" for a missing file or a syntax error.
    const read = await readConfigFile(path, file ?? path);
    if (!read.ok) return { ok: false, issues: formatIssues(read.issues) };
    raw = read.value;
  }
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
    raw = {
      ...raw,
      ...(flags.host === undefined ? {} : { host: flags.host }),
      ...(flags.port === undefined ? {} : { port: flags.port }),
    };
  }
  const parsed = sidecarConfigSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map(
        (issue) => `${issue.path.join(".") || (file ?? "config")}: ${issue.message}`,
      ),
    };
  }
  const base = path === undefined ? cwd : dirname(path);
  const config = parsed.data;
  config.audit.dir = resolve(base, config.audit.dir);
  if (config.audit.keyFile !== undefined) config.audit.keyFile = resolve(base, config.audit.keyFile);
  if (config.watch !== undefined) config.watch = resolve(base, config.watch);
  config.capture.dir = resolve(base, config.capture.dir);
  const { dashboard } = config;
  if (dashboard.adminTokenFile !== undefined)
    dashboard.adminTokenFile = resolve(base, dashboard.adminTokenFile);
  if (dashboard.cookieSecretFile !== undefined)
    dashboard.cookieSecretFile = resolve(base, dashboard.cookieSecretFile);
  if (dashboard.oidc?.clientSecretFile !== undefined)
    dashboard.oidc.clientSecretFile = resolve(base, dashboard.oidc.clientSecretFile);
  return { ok: true, config, file: path };
}
