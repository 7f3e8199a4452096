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

// Each key's `.describe()` is what docs/configuration.md says of it (`npm run docs:config`).
const forwardSchema = z.strictObject({
  syslog: z
    .strictObject({
      host: nonEmpty.describe("Syslog host."),
      port: z.number().int().min(1).max(65535).describe("Syslog port."),
    })
    .optional()
    .describe("RFC 5424 syslog over TCP (octet-counting framing)."),
  http: z
    .strictObject({
      url: z
        .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
        .describe("Ingest URL (http or https)."),
      headers: z
        .record(nonEmpty, z.string())
        .default({})
        .describe("Headers sent with each POST (e.g. `authorization`)."),
    })
    .optional()
    .describe("HTTP POST of record batches."),
});

const auditSchema = z.strictObject({
  dir: nonEmpty
    .default("./audit")
    .describe(
      "Folder of the `audit-<first seq>-<time>.jsonl` files (and `audit-key.pem` / `audit-key.pub`), relative to this file.",
    ),
  keyFile: nonEmpty
    .optional()
    .describe(
      "Ed25519 private key (PKCS#8 PEM) that signs checkpoints; default `<dir>/audit-key.pem`, made on first start.",
    ),
  maxBytes: posInt.default(64 * MiB).describe("Rotate the current file past this size."),
  maxAgeHours: z.number().positive().default(24).describe("Rotate the current file after this long."),
  checkpointEvery: posInt.default(1_000).describe("A signed checkpoint every this many records."),
  checkpointIntervalMs: posInt
    .default(10_000)
    .describe("A signed checkpoint this often when records arrived (and on rotation and shutdown)."),
  forward: forwardSchema
    .prefault({})
    .describe("Forwarding of every record to a SIEM: best effort, never blocks the local write."),
});

const oidcSchema = z.strictObject({
  issuer: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .describe("The provider's issuer URL."),
  clientId: nonEmpty.describe("The dashboard's client id there."),
  clientSecretFile: nonEmpty
    .optional()
    .describe(
      "File holding the client secret (confidential clients). `MCP_SIDECAR_OIDC_CLIENT_SECRET` beats it.",
    ),
  redirectUri: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .describe("This sidecar's `/auth/callback` URL, as registered at the provider."),
  scope: nonEmpty.optional().describe('Scopes to request; default `"openid profile email"`.'),
  allowedSubjects: z
    .array(nonEmpty)
    .min(1)
    .optional()
    .describe("Only these subjects get in; absent: anyone the provider lets log in."),
});

const dashboardSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("Serve the dashboard at `/`."),
  oidc: oidcSchema
    .optional()
    .describe("Operators log in at your OpenID Connect provider (authorization code + PKCE)."),
  adminTokenFile: nonEmpty
    .optional()
    .describe(
      "File holding the admin token (at least 16 characters). `MCP_SIDECAR_ADMIN_TOKEN` beats it; without either and without `oidc`, a token is made at start and printed once on stderr.",
    ),
  cookieSecretFile: nonEmpty
    .optional()
    .describe(
      "File holding the session cookie secret (at least 32 bytes). `MCP_SIDECAR_COOKIE_SECRET` beats it; without either, a random one per start (sessions end on restart).",
    ),
  sessionTtlHours: z
    .number()
    .positive()
    .max(24 * 30)
    .default(8)
    .describe("How long an operator's login lasts."),
  trustProxy: z
    .boolean()
    .default(false)
    .describe(
      "Behind a TLS-terminating proxy: trust `X-Forwarded-Proto` / `X-Forwarded-Host` (Secure cookies, same-origin checks).",
    ),
});

const captureSchema = z
  .strictObject({
    dir: nonEmpty
      .default("./capture")
      .describe("Folder of the `capture-*.jsonl` files (0700, files 0600), relative to this file."),
    maxBytes: posInt.default(256 * MiB).describe("Total size kept; the oldest files are deleted past it."),
    fileMaxBytes: posInt
      .default(16 * MiB)
      .describe("A new file past this size; must not exceed `capture.maxBytes`."),
  })
  .refine((capture) => capture.fileMaxBytes <= capture.maxBytes, {
    path: ["fileMaxBytes"],
    message: "must not exceed capture.maxBytes",
  });

export const sidecarConfigSchema = z.strictObject({
  host: nonEmpty
    .default("127.0.0.1")
    .describe("Address the sidecar binds (loopback by default). `--host` beats it."),
  port: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(8090)
    .describe(
      "Port of the runtimes' WebSocket, `/metrics`, `/healthz`, `/readyz` and the dashboard; 0 picks a free one. `--port` beats it.",
    ),
  logLevel: z
    .enum(["debug", "info", "warn", "error"])
    .default("info")
    .describe("Log level of its JSON lines on stderr. `LOG_LEVEL` beats it."),
  audit: auditSchema.prefault({}).describe("The tamper-evident audit log."),
  watch: nonEmpty
    .optional()
    .describe(
      "The runtime config file to validate and push to connected runtimes when it changes, relative to this file.",
    ),
  dashboard: dashboardSchema.prefault({}).describe("The operator dashboard on the sidecar's port."),
  capture: captureSchema
    .prefault({})
    .describe("Storage of captured calls (runtimes' `telemetry.capture`) for `mcp-sidecar replay`."),
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
