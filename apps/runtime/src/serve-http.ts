/**
 * @module `serve --transport http`: the Streamable HTTP endpoint (both eras) on the configured
 * host and port, the ready line the CLI contract promises, and a bounded drain on SIGTERM/SIGINT.
 */
import { startHttpServer } from "@mcp-runtime/transport-http";
import { attachWebSocket } from "@mcp-runtime/transport-ws";
import type { Logger } from "./logger.js";
import type { Runtime } from "./runtime.js";

export async function serveHttp(runtime: Runtime, logger: Logger): Promise<number> {
  const { server: settings } = runtime.config;
  let running: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    running = await startHttpServer(runtime.server, {
      host: settings.host,
      port: settings.port,
      allowedOrigins: settings.allowedOrigins,
      allowedHosts: settings.allowedHosts,
      sessionIdleTimeoutMs: settings.sessionIdleTimeoutMs,
      maxSessions: settings.maxSessions,
      maxBodyBytes: settings.maxBodyBytes,
      shutdownGraceMs: settings.shutdownGraceMs,
      onEvent: (event) => logger.warn(event),
    });
  } catch (cause) {
    logger.error({
      msg: "cannot listen",
      host: settings.host,
      port: settings.port,
      error: cause instanceof Error ? cause.message : String(cause),
    });
    logger.flush();
    await runtime.close();
    return 1;
  }
  // MCP over WebSocket on the same port (/mcp/ws), with the same Host/Origin rules.
  const ws = attachWebSocket(runtime.server, running.httpServer, {
    allowedOrigins: settings.allowedOrigins,
    allowedHosts: settings.allowedHosts,
    maxPayload: settings.maxBodyBytes,
    onEvent: (event) => logger.warn(event),
  });
  // The CLI contract's ready line (plain text: harnesses parse it); --port 0 shows the real port.
  process.stderr.write(`mcp-runtime listening on ${running.url}\n`);
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  logger.info({ msg: "draining", signal, graceMs: settings.shutdownGraceMs });
  await Promise.all([running.close(settings.shutdownGraceMs), ws.close()]);
  await runtime.close();
  logger.info({ msg: "stopped" });
  logger.flush();
  return 0;
}
