/**
 * @module The whole stack the dashboard's browser test drives, each part real and on its own port:
 * an OpenID provider (the auth package's test provider), the `mcp-sidecar` CLI with the dashboard
 * signing in through it and watching the runtime's config file, and the `mcp-runtime` CLI over
 * HTTP reporting to the sidecar, with the echo plugin and a fixture plugin whose answer follows
 * its config (so a hot reload can break an eval).
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestProvider, type TestProvider } from "../../../../packages/auth/test/support/provider.js";
import { type HttpRuntime, startHttpRuntime } from "../../../runtime/test/support/http-runtime.js";
import { assertBuilt } from "../../../runtime/test/support/paths.js";
import { type SidecarProcess, startSidecarProcess } from "../../../runtime/test/support/sidecar-process.js";

const GREETER = fileURLToPath(new URL("../fixtures/browser-greeter", import.meta.url));
export const DASHBOARD_CLIENT = "mcp-dashboard";
export const OPERATOR = "ops-alice";
export const EVAL_NAME = "greet-says-hello";
/** The sidecar offers both logins: SSO and this admin token. */
export const ADMIN_TOKEN = "browser-test-admin-token-0123456789";

export interface BrowserStack {
  readonly provider: TestProvider;
  readonly sidecar: SidecarProcess;
  readonly runtime: HttpRuntime;
  /** `http://127.0.0.1:PORT`, the dashboard's origin */
  readonly origin: string;
  /** Rewrites the watched runtime config with another greeting (the sidecar pushes it). */
  setGreeting(greeting: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A port that was free a moment ago. The sidecar's OIDC `redirectUri` must name its port before it
 * starts (the provider checks it exactly), so this one port cannot be the kernel's pick at listen
 * time; the window between close and the sidecar's listen is a few milliseconds.
 */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function runtimeYaml(sidecarWs: string, greeting: string): string {
  return `telemetry:
  logLevel: warn
  sidecar: "${sidecarWs}"
plugins:
  - package: "@mcp-runtime/plugin-echo"
  - path: ${JSON.stringify(GREETER)}
    config: { greeting: ${JSON.stringify(greeting)} }
evals:
  intervalSeconds: 1
  checks:
    - name: ${EVAL_NAME}
      tool: greet
      arguments: { name: ops }
      expect: { match: "^Hello, ops!$" }
`;
}

export async function startBrowserStack(): Promise<BrowserStack> {
  assertBuilt();
  const dir = await mkdtemp(join(tmpdir(), "mcp-dashboard-browser-"));
  const parts: { provider?: TestProvider; sidecar?: SidecarProcess; runtime?: HttpRuntime } = {};
  const close = async () => {
    await parts.runtime?.stop().catch(() => {});
    await parts.sidecar?.stop().catch(() => {});
    await parts.provider?.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const provider = await startTestProvider({
      extraClients: [
        {
          client_id: DASHBOARD_CLIENT,
          token_endpoint_auth_method: "none",
          grant_types: ["authorization_code"],
          response_types: ["code"],
          redirect_uris: [`${origin}/auth/callback`],
          id_token_signed_response_alg: "ES256",
        },
      ],
    });
    parts.provider = provider;
    const runtimeFile = join(dir, "runtime.yaml");
    const sidecarFile = join(dir, "sidecar.yaml");
    const wsUrl = origin.replace(/^http/, "ws");
    await writeFile(runtimeFile, runtimeYaml(wsUrl, "Hello"));
    await writeFile(
      sidecarFile,
      `audit: { dir: ./audit }
watch: ./runtime.yaml
dashboard:
  oidc:
    issuer: ${JSON.stringify(provider.issuer)}
    clientId: ${DASHBOARD_CLIENT}
    redirectUri: ${JSON.stringify(`${origin}/auth/callback`)}
    scope: openid
    allowedSubjects: [${OPERATOR}]
`,
    );
    parts.sidecar = await startSidecarProcess(
      ["--config", sidecarFile, "--port", String(port)],
      join(dir, "audit"),
      { ...process.env, MCP_SIDECAR_ADMIN_TOKEN: ADMIN_TOKEN },
    );
    parts.runtime = await startHttpRuntime({}, [], { file: runtimeFile });
    const { sidecar, runtime } = parts;
    return {
      provider,
      sidecar,
      runtime,
      origin,
      setGreeting: (greeting) => writeFile(runtimeFile, runtimeYaml(wsUrl, greeting)),
      close,
    };
  } catch (cause) {
    const logs = [parts.sidecar?.stderr(), parts.runtime?.stderr()].filter(Boolean).join("\n");
    await close();
    throw logs === "" ? cause : new Error(`${(cause as Error).message}\n${logs}`, { cause });
  }
}
