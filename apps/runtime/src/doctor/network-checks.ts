/**
 * @module What the config needs from the network: Redis answering PING (when anything uses it),
 * the HTTP port free to bind, the sidecar and the OTLP collector accepting connections.
 */
import { connect, createServer } from "node:net";
import type { RuntimeConfig } from "@mcp-runtime/config";
import { type DoctorCheck, fail, ok, warn } from "./check.js";
import { pingRedis, redisAddress } from "./redis-ping.js";

const CONNECT_TIMEOUT_MS = 2000;

/** The parts of the config that talk to Redis, as config paths. */
export function redisUsers(config: RuntimeConfig): string[] {
  const users: string[] = [];
  if (config.server.sessions === "redis") users.push("server.sessions");
  if (config.cache.backend === "redis") users.push("cache.backend");
  if (config.queue.backend === "bullmq") users.push("queue.backend");
  if (config.limits.backend === "redis") users.push("limits.backend");
  return users;
}

export async function checkRedis(config: RuntimeConfig): Promise<DoctorCheck | undefined> {
  const users = redisUsers(config);
  const urlText = config.redis.url;
  if (users.length === 0 || urlText === undefined) return undefined;
  const address = redisAddress(new URL(urlText));
  const result = await pingRedis(urlText, CONNECT_TIMEOUT_MS);
  const usedBy = `used by ${users.join(", ")}`;
  if (result.ok) return ok("redis", `Redis at ${address} answers PING in ${result.ms} ms (${usedBy})`);
  const fix =
    result.code === "NOAUTH" || result.code === "WRONGPASS" || result.code === "ERR"
      ? "put the right credentials in the URL (redis://USER:PASSWORD@HOST:PORT) via REDIS_URL or redis.url"
      : `start Redis at ${address} (e.g. \`redis-server --port ${address.split(":").at(-1)}\`), or point REDIS_URL / redis.url at one that runs`;
  return fail("redis", `Redis at ${address} (${usedBy}) is not reachable: ${result.reason}`, fix);
}

/** Binds and releases the HTTP port, as `serve` would bind it. */
export async function checkPort(config: RuntimeConfig): Promise<DoctorCheck | undefined> {
  if (config.server.transport !== "http") return undefined;
  const { host, port } = config.server;
  if (port === 0) return ok("port", `port 0: serve picks a free port on ${host}`);
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const server = createServer();
    server.once("error", resolve);
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
  if (error === undefined) return ok("port", `${host}:${port} is free to bind`);
  const change = "choose another with --port P, MCP_PORT or server.port";
  if (error.code === "EADDRINUSE")
    return fail(
      "port",
      `port ${port} on ${host} is already in use`,
      `stop what holds it (\`lsof -i :${port}\`), or ${change}`,
    );
  if (error.code === "EACCES")
    return fail(
      "port",
      `port ${port} on ${host} needs privileges this user lacks`,
      `${change} (1024 or above)`,
    );
  if (error.code === "EADDRNOTAVAIL")
    return fail("port", `${host} is not an address of this machine`, "fix --host, MCP_HOST or server.host");
  return fail("port", `cannot bind ${host}:${port}: ${error.message}`, change);
}

/** Whether a TCP connection to the URL's host and port opens within the timeout. */
export function tcpReach(url: URL): Promise<string | undefined> {
  const secure = url.protocol === "https:" || url.protocol === "wss:";
  const port = Number(url.port || (secure ? 443 : 80));
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port });
    const done = (problem: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(problem);
    };
    const timer = setTimeout(() => done(`no connection within ${CONNECT_TIMEOUT_MS} ms`), CONNECT_TIMEOUT_MS);
    socket.once("connect", () => done(undefined));
    socket.once("error", (cause) => done(cause.message));
  });
}

export async function checkSidecar(config: RuntimeConfig): Promise<DoctorCheck | undefined> {
  const sidecar = config.telemetry.sidecar;
  if (sidecar === undefined) return undefined;
  const url = new URL(sidecar);
  const problem = await tcpReach(url);
  if (problem === undefined) return ok("sidecar", `sidecar at ${url.host} accepts connections`);
  return fail(
    "sidecar",
    `sidecar at ${url.host} (telemetry.sidecar) is not reachable: ${problem}`,
    `start it (\`mcp-sidecar --port ${url.port || 80}\`) or fix telemetry.sidecar; until then audit events are buffered and may be dropped`,
  );
}

export async function checkOtlp(
  config: RuntimeConfig,
  env: NodeJS.ProcessEnv,
): Promise<DoctorCheck | undefined> {
  const endpoint = config.telemetry.otlp ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (endpoint === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return warn(
      "otlp",
      `OTLP endpoint ${JSON.stringify(endpoint)} is not a URL`,
      "set an http(s) URL in OTEL_EXPORTER_OTLP_ENDPOINT or telemetry.otlp",
    );
  }
  const problem = await tcpReach(url);
  if (problem === undefined) return ok("otlp", `OTLP collector at ${url.host} accepts connections`);
  return warn(
    "otlp",
    `OTLP collector at ${url.host} is not reachable: ${problem} (traces will be dropped; serving is not affected)`,
    "start the collector or fix OTEL_EXPORTER_OTLP_ENDPOINT / telemetry.otlp",
  );
}
