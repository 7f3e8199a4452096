/**
 * @module `serve --transport http`: the Streamable HTTP endpoint (both eras) on the configured
 * host and port, the ready line the CLI contract promises, and a bounded drain on SIGTERM/SIGINT.
 */
import { startHttpServer } from "@mcp-runtime/transport-http";
import type { SessionCluster } from "@mcp-runtime/transport-http/redis";
import { attachWebSocket } from "@mcp-runtime/transport-ws";
import type { Logger } from "./logger.js";
import type { Runtime } from "./runtime.js";
import { serveMetrics } from "./telemetry/metrics-route.js";

export interface ServeHttpHooks {
  /** Overrides `/readyz` while it answers (a passive standby node); see the transport's `readiness`. */
  readiness?(): { status: number; body: Record<string, unknown> } | undefined;
  /** called once listening, after the ready line (`serve`'s `onStarted`) */
  onListening?(url: string): void | Promise<void>;
}

export async function serveHttp(
  runtime: Runtime,
  logger: Logger,
  hooks: ServeHttpHooks = {},
): Promise<number> {
  const { server: settings, auth: authSettings } = runtime.config;
  // auth.mode tokens|oauth: the resource is oauth.audience (canonical URI, RFC 8707) or, unset, our own URL.
  // The auth stack (openid-client, jose, passport) is only loaded when something uses it.
  const authModule = authSettings.mode === "none" ? undefined : await import("@mcp-runtime/auth");
  const auth = authModule?.createAuthenticator(authSettings);
  // Replaced by the real URL once listening (the configured port may be 0).
  let ownUrl = `http://${settings.host}:${settings.port}/mcp`;
  const resourceUrl = () => auth?.audience ?? ownUrl;
  const authHooks = auth && {
    resourceUrl,
    onAuthenticated: (p: { subject: string; clientId?: string }) =>
      logger.debug({ msg: "authenticated", subject: p.subject, client: p.clientId }),
    onRefused: (r: { status: number; error?: string; description: string }) => {
      logger.info({ msg: "auth refused", ...r });
      runtime.metrics?.authFailed(r.status);
      runtime.audit({
        type: "auth_failure",
        ts: Date.now(),
        status: r.status,
        reason: r.description,
        ...(r.error === undefined ? {} : { error: r.error }),
      });
    },
  };
  // Reloaded tokens and tool scopes apply from the next request (auth.mode itself needs a restart).
  if (auth) runtime.onConfigApplied((config) => auth.update(config.auth));
  const metrics = runtime.metrics;
  const routes = metrics && {
    "/metrics": (_req: unknown, res: import("node:http").ServerResponse) =>
      serveMetrics(metrics, logger, res),
  };
  // Per-client limits (live on reload); without a rule the check answers 0 at once.
  const admission = { admit: runtime.policy.limits.admitClient, trustProxyHops: settings.trustProxyHops };
  // server.sessions: redis: legacy sessions, their streams and events shared by every node.
  let cluster: SessionCluster | undefined;
  if (settings.sessions === "redis") {
    const url = runtime.config.redis.url;
    if (url === undefined)
      throw new Error("server.sessions: redis needs redis.url (the config check ensures it)");
    const { RedisSessionCluster } = await import("@mcp-runtime/transport-http/redis");
    cluster = new RedisSessionCluster({
      url,
      onError: (error, operation) =>
        logger.warn({ msg: "session cluster error", operation, error: error.message }),
    });
    try {
      await cluster.start();
    } catch (cause) {
      logger.error({
        msg: "cannot reach the session store",
        error: cause instanceof Error ? cause.message : String(cause),
      });
      logger.flush();
      await runtime.close();
      return 1;
    }
    logger.info({ msg: "sessions shared through Redis", node: cluster.nodeId });
  }
  let running: Awaited<ReturnType<typeof startHttpServer>>;
  // Discovery is retried on demand: an issuer that is down at start-up delays logins, not the runtime.
  auth
    ?.ready()
    .catch((cause: unknown) => logger.warn({ msg: "issuer discovery failed", error: String(cause) }));
  try {
    running = await startHttpServer(runtime.server, {
      host: settings.host,
      port: settings.port,
      allowedOrigins: settings.allowedOrigins,
      allowedHosts: settings.allowedHosts,
      sessionIdleTimeoutMs: settings.sessionIdleTimeoutMs,
      maxSessions: settings.maxSessions,
      maxMessageBytes: settings.maxMessageBytes,
      shutdownGraceMs: settings.shutdownGraceMs,
      compressAboveBytes: settings.compressAboveBytes,
      ...(cluster ? { cluster } : {}),
      ...admission,
      onEvent: (event) => logger.warn(event),
      // Per-plugin sandbox state and per-upstream state; an open breaker or a failed upstream is
      // shown, not turned into 503 (one bad plugin or server should not take the node out of a
      // load balancer).
      readinessDetail: () => ({ plugins: runtime.health(), upstreams: runtime.upstreamHealth() }),
      ...(hooks.readiness ? { readiness: hooks.readiness } : {}),
      ...(routes ? { routes } : {}),
      ...(authModule && auth && authHooks
        ? { authenticate: authModule.createHttpAuthHook(auth, authHooks) }
        : {}),
    });
  } catch (cause) {
    logger.error({
      msg: "cannot listen",
      host: settings.host,
      port: settings.port,
      error: cause instanceof Error ? cause.message : String(cause),
    });
    logger.flush();
    await cluster?.close();
    await runtime.close();
    return 1;
  }
  // MCP over WebSocket on the same port (/mcp/ws), with the same Host/Origin rules.
  const ws = attachWebSocket(runtime.server, running.httpServer, {
    allowedOrigins: settings.allowedOrigins,
    allowedHosts: settings.allowedHosts,
    maxMessageBytes: settings.maxMessageBytes,
    ...admission,
    onEvent: (event) => logger.warn(event),
    ...(authModule && auth && authHooks
      ? { authenticate: authModule.createWebSocketAuthHook(auth, authHooks) }
      : {}),
  });
  if (authModule && auth) {
    ownUrl = running.url;
    const metadata = authModule.createMetadataHandler(auth, resourceUrl);
    for (const path of authModule.resourceMetadataPaths(resourceUrl())) running.mcp.app.get(path, metadata);
  }
  // Handlers before the ready line: a supervisor may send SIGTERM as soon as it reads it, and a
  // signal with no listener yet would kill the process instead of draining it.
  const stopped = new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  // The CLI contract's ready line (plain text: harnesses parse it); --port 0 shows the real port.
  process.stderr.write(`mcp-runtime listening on ${running.url}\n`);
  await hooks.onListening?.(running.url);
  const signal = await stopped;
  logger.info({ msg: "draining", signal, graceMs: settings.shutdownGraceMs });
  await Promise.all([running.close(settings.shutdownGraceMs), ws.close()]);
  await runtime.close();
  logger.info({ msg: "stopped" });
  logger.flush();
  return 0;
}
