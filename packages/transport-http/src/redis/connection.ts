/**
 * @module The two ioredis connections of the cluster (commands, subscriptions) and their first
 * connect, bounded in time. The URL may carry a password: errors show it without credentials.
 */
import { Redis } from "ioredis";

/** How long start() waits for Redis before it gives up. */
export const CONNECT_TIMEOUT_MS = 5_000;

export interface ClusterConnections {
  /** every command, in call order: auto-pipelining keeps one queue, so one node's appends stay ordered */
  readonly commands: Redis;
  /** SUBSCRIBE only (a subscribed connection accepts no other commands) */
  readonly subscriber: Redis;
}

export function createConnections(url: string): ClusterConnections {
  const commands = new Redis(url, {
    lazyConnect: true,
    enableAutoPipelining: true,
    // a dead Redis fails queued commands after two reconnect attempts instead of holding them forever
    maxRetriesPerRequest: 2,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
  const subscriber = commands.duplicate({ enableAutoPipelining: false });
  // Connection errors repeat on every retry; the calls that fail report them through onError.
  commands.on("error", () => {});
  subscriber.on("error", () => {});
  return { commands, subscriber };
}

/** The URL without user name and password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/** A message with the URL's password (if any) masked, for errors that might echo it. */
function withoutPassword(message: string, url: string): string {
  let password = "";
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {}
  return password ? message.split(password).join("***") : message;
}

async function connectOne(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === "ready") return;
  // connect() rejects with a bare "Connection is closed."; the error event says why.
  let cause: Error | undefined;
  const record = (error: Error) => {
    cause = error;
  };
  client.on("error", record);
  let timer: NodeJS.Timeout | undefined;
  let onReady = () => {};
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  // a command sent before start() may already have begun connecting a lazy client
  const ready =
    client.status === "wait" || client.status === "end"
      ? client.connect()
      : new Promise<void>((resolve) => {
          onReady = resolve;
          client.once("ready", onReady);
        });
  try {
    await Promise.race([ready, deadline]);
  } catch (error) {
    throw cause ?? error;
  } finally {
    clearTimeout(timer);
    client.off("error", record);
    client.off("ready", onReady);
  }
}

/** Connects both; on failure stops their reconnecting and rejects naming the redacted URL. */
export async function connectAll(connections: ClusterConnections, url: string): Promise<void> {
  try {
    await Promise.all([
      connectOne(connections.commands, CONNECT_TIMEOUT_MS),
      connectOne(connections.subscriber, CONNECT_TIMEOUT_MS),
    ]);
  } catch (error) {
    connections.commands.disconnect();
    connections.subscriber.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${withoutPassword(reason, url)}`);
  }
}

/** QUIT when connected (lets queued commands finish), else just drop the socket. */
export async function closeConnection(client: Redis): Promise<void> {
  if (client.status === "ready") {
    try {
      await client.quit();
      return;
    } catch {}
  }
  client.disconnect();
}
