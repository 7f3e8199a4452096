/**
 * @module The cache's hold on an ioredis client, built so no call ever hangs: a client we create
 * has no offline queue (commands fail at once while disconnected), and every command races a
 * `commandTimeoutMs` deadline, which also covers clients handed in with other settings. Only the
 * first connection is waited for (bounded by the same deadline); a client that lost Redis fails
 * fast until it reconnects.
 */
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { CacheError, unavailable } from "./errors.js";

export function connect(url: string, timeoutMs: number): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    // reconnect forever, at most every 2 s: the cache degrades meanwhile instead of failing calls
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
  // Connection errors repeat on every retry; the calls that fail report them through onError.
  client.on("error", () => {});
  return client;
}

/** A Lua script run by EVALSHA, loaded by EVAL the first time a server answers NOSCRIPT. */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

export class RedisLink {
  private connecting: Promise<void> | undefined;

  constructor(
    readonly client: Redis,
    private readonly owned: boolean,
    private readonly timeoutMs: number,
  ) {}

  /** Runs one command (or script); rejects with CacheError ERR_CACHE_UNAVAILABLE within the deadline. */
  async run<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    if (this.client.status !== "ready") await this.ready();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new CacheError("ERR_CACHE_UNAVAILABLE", `redis did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      command(this.client).then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(unavailable(error));
        },
      );
    });
  }

  private ready(): Promise<void> {
    const status = this.client.status;
    if (status === "reconnecting" || status === "close" || status === "end")
      return Promise.reject(new CacheError("ERR_CACHE_UNAVAILABLE", `redis connection is ${status}`));
    this.connecting ??= this.firstConnect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private firstConnect(): Promise<void> {
    const client = this.client;
    if (client.status === "wait") client.connect().catch(() => {});
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: CacheError) => {
        clearTimeout(timer);
        client.off("ready", onReady);
        client.off("close", onClose);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => settle();
      const onClose = () => settle(new CacheError("ERR_CACHE_UNAVAILABLE", "redis refused the connection"));
      const timer = setTimeout(
        () =>
          settle(new CacheError("ERR_CACHE_UNAVAILABLE", `redis not connected within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      client.on("ready", onReady);
      client.on("close", onClose);
    });
  }

  /** Closes only a client this cache created; one handed in belongs to its owner. */
  async close(): Promise<void> {
    if (!this.owned) return;
    if (this.client.status === "ready") {
      try {
        await this.run((client) => client.quit());
        return;
      } catch {}
    }
    this.client.disconnect();
  }
}
