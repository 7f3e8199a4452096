/**
 * @module Descriptions of the sidecar's config keys, for the generated reference. They belong in the
 * schema (apps/sidecar/src/config.ts, as `.describe(...)`, which the generator prefers); until they
 * move there they live here, and the generator fails when a key here is not in the schema or a key
 * of the schema has no description in either place.
 */
export const SIDECAR_DESCRIPTIONS = {
  host: "Address the sidecar binds (loopback by default). `--host` beats it.",
  port: "Port of the runtimes' WebSocket, `/metrics`, `/healthz`, `/readyz` and the dashboard; 0 picks a free one. `--port` beats it.",
  logLevel: "Log level of its JSON lines on stderr. `LOG_LEVEL` beats it.",
  audit: "The tamper-evident audit log.",
  "audit.dir":
    "Folder of the `audit-<first seq>-<time>.jsonl` files (and `audit-key.pem` / `audit-key.pub`), relative to this file.",
  "audit.keyFile":
    "Ed25519 private key (PKCS#8 PEM) that signs checkpoints; default `<dir>/audit-key.pem`, made on first start.",
  "audit.maxBytes": "Rotate the current file past this size.",
  "audit.maxAgeHours": "Rotate the current file after this long.",
  "audit.checkpointEvery": "A signed checkpoint every this many records.",
  "audit.checkpointIntervalMs":
    "A signed checkpoint this often when records arrived (and on rotation and shutdown).",
  "audit.forward": "Forwarding of every record to a SIEM: best effort, never blocks the local write.",
  "audit.forward.syslog": "RFC 5424 syslog over TCP (octet-counting framing).",
  "audit.forward.syslog.host": "Syslog host.",
  "audit.forward.syslog.port": "Syslog port.",
  "audit.forward.http": "HTTP POST of record batches.",
  "audit.forward.http.url": "Ingest URL (http or https).",
  "audit.forward.http.headers": "Headers sent with each POST (e.g. `authorization`).",
  watch:
    "The runtime config file to validate and push to connected runtimes when it changes, relative to this file.",
  dashboard: "The operator dashboard on the sidecar's port.",
  "dashboard.enabled": "Serve the dashboard at `/`.",
  "dashboard.oidc": "Operators log in at your OpenID Connect provider (authorization code + PKCE).",
  "dashboard.oidc.issuer": "The provider's issuer URL.",
  "dashboard.oidc.clientId": "The dashboard's client id there.",
  "dashboard.oidc.clientSecretFile":
    "File holding the client secret (confidential clients). `MCP_SIDECAR_OIDC_CLIENT_SECRET` beats it.",
  "dashboard.oidc.redirectUri": "This sidecar's `/auth/callback` URL, as registered at the provider.",
  "dashboard.oidc.scope": 'Scopes to request; default `"openid profile email"`.',
  "dashboard.oidc.allowedSubjects": "Only these subjects get in; absent: anyone the provider lets log in.",
  "dashboard.adminTokenFile":
    "File holding the admin token (at least 16 characters). `MCP_SIDECAR_ADMIN_TOKEN` beats it; without either and without `oidc`, a token is made at start and printed once on stderr.",
  "dashboard.cookieSecretFile":
    "File holding the session cookie secret (at least 32 bytes). `MCP_SIDECAR_COOKIE_SECRET` beats it; without either, a random one per start (sessions end on restart).",
  "dashboard.sessionTtlHours": "How long an operator's login lasts.",
  "dashboard.trustProxy":
    "Behind a TLS-terminating proxy: trust `X-Forwarded-Proto` / `X-Forwarded-Host` (Secure cookies, same-origin checks).",
  capture: "Storage of captured calls (runtimes' `telemetry.capture`) for `mcp-sidecar replay`.",
  "capture.dir": "Folder of the `capture-*.jsonl` files (0700, files 0600), relative to this file.",
  "capture.maxBytes": "Total size kept; the oldest files are deleted past it.",
  "capture.fileMaxBytes": "A new file past this size; must not exceed `capture.maxBytes`.",
};
