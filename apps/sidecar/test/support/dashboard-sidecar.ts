/**
 * @module Helpers for the dashboard tests: a real sidecar (startSidecar on port 0) with its own
 * temp folders and a stand-in page (the real one is built separately), a fake runtime speaking
 * the runtime-to-sidecar protocol over a real WebSocket, a `/live` client, and the admin-token
 * login as a browser form would do it.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { createLogger, type RuntimeToSidecar, type SidecarToRuntime } from "@mcp-runtime/telemetry";
import WebSocket from "ws";
import { sidecarConfigSchema } from "../../src/config.js";
import type {
  ActionResult,
  AuditRecordView,
  DashboardSnapshot,
  LiveFrame,
} from "../../src/dashboard/protocol.js";
import { type RunningSidecar, startSidecar } from "../../src/sidecar.js";

export const ADMIN_TOKEN = "test-admin-token-0123456789";
export const COOKIE_SECRET = "test-cookie-secret-0123456789abcdef0123";

export interface TestSidecar {
  readonly sidecar: RunningSidecar;
  readonly url: string;
  /** the Origin a page served by this sidecar sends */
  readonly origin: string;
  readonly dir: string;
  close(): Promise<void>;
}

export const PAGE = {
  "index.html": "<!doctype html><title>dashboard</title><script type=module src=/assets/app.js></script>",
  "login.html": "<!doctype html><title>login</title>",
  "assets/app.js": "console.log('app');",
  "assets/app.css": "body{}",
};

export async function startTestSidecar(
  options: {
    dashboard?: Record<string, unknown>;
    env?: NodeJS.ProcessEnv;
    watch?: string;
    port?: number;
  } = {},
): Promise<TestSidecar> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-dashboard-test-"));
  const root = join(dir, "page");
  await mkdir(join(root, "assets"), { recursive: true });
  for (const [file, text] of Object.entries(PAGE)) await writeFile(join(root, file), text);
  const config = sidecarConfigSchema.parse({
    port: options.port ?? 0,
    audit: { dir: join(dir, "audit") },
    capture: { dir: join(dir, "capture") },
    dashboard: options.dashboard ?? {},
    ...(options.watch === undefined ? {} : { watch: options.watch }),
  });
  // Logs go nowhere: the tests read the audit log and the API instead.
  const logger = createLogger({ level: "error", stream: new PassThrough().resume() });
  const sidecar = await startSidecar(config, logger, undefined, {
    dashboardRoot: root,
    env: options.env ?? { MCP_SIDECAR_ADMIN_TOKEN: ADMIN_TOKEN, MCP_SIDECAR_COOKIE_SECRET: COOKIE_SECRET },
  });
  return {
    sidecar,
    url: sidecar.url,
    origin: sidecar.url,
    dir,
    async close() {
      await sidecar.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A port that was free a moment ago (for a redirect URI that must be known before the start). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Posts the login form; returns the response (redirects not followed). */
export function postToken(base: string, token: string, origin = base): Promise<Response> {
  return fetch(`${base}/auth/token`, {
    method: "POST",
    redirect: "manual",
    headers: { origin, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ token }),
  });
}

/** Logs in with the admin token; returns the `cookie` request header value. */
export async function login(base: string, token = ADMIN_TOKEN): Promise<string> {
  const res = await postToken(base, token);
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  return cookieOf(res);
}

export function cookieOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .join("; ");
}

export async function csrfToken(base: string, cookie: string): Promise<string> {
  return (await snapshotOf(base, cookie)).csrfToken;
}

export async function snapshotOf(base: string, cookie: string): Promise<DashboardSnapshot> {
  return (await (await fetch(`${base}/api/snapshot`, { headers: { cookie } })).json()) as DashboardSnapshot;
}

export async function actionResult(res: Response): Promise<ActionResult> {
  return (await res.json()) as ActionResult;
}

/** Polls until `read` gives a value that is not undefined (or throws after `ms`). */
export async function eventually<T>(
  what: string,
  read: () => Promise<T | undefined>,
  ms = 5_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The newest audit records the dashboard holds that match `query`. */
export async function auditRecords(base: string, cookie: string, query: string): Promise<AuditRecordView[]> {
  const res = await fetch(`${base}/api/audit?${query}`, { headers: { cookie } });
  return ((await res.json()) as { records: AuditRecordView[] }).records;
}

/** A WebSocket client that keeps every frame it received, parsed. */
export interface FrameClient<T> {
  readonly socket: WebSocket;
  readonly frames: T[];
  next(what: string, match: (frame: T) => boolean, ms?: number): Promise<T>;
  send(message: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export async function connect<T>(
  url: string,
  options: WebSocket.ClientOptions = {},
): Promise<FrameClient<T>> {
  const socket = new WebSocket(url, options);
  const frames: T[] = [];
  socket.on("message", (data) => frames.push(JSON.parse(String(data)) as T));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
    socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    socket,
    frames,
    closed,
    next: (what, match, ms = 5_000) => eventually(what, async () => frames.find(match), ms),
    send: (message) => socket.send(JSON.stringify(message)),
    close: () => socket.close(),
  };
}

export function fakeRuntime(base: string, node: string): Promise<FrameClient<SidecarToRuntime>> {
  return connect<SidecarToRuntime>(base.replace(/^http/, "ws")).then((client) => {
    client.send({ type: "hello", node, pid: 1, version: "test" } satisfies RuntimeToSidecar);
    return client;
  });
}

export function liveClient(base: string, cookie: string, origin = base): Promise<FrameClient<LiveFrame>> {
  return connect<LiveFrame>(`${base.replace(/^http/, "ws")}/live`, { headers: { cookie, origin } });
}

/** The HTTP status a refused upgrade answered with. */
export function refusedUpgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    socket.once("open", () => {
      socket.close();
      reject(new Error("the upgrade was accepted"));
    });
    socket.once("error", () => {});
  });
}
