/**
 * @module The SessionCluster on Redis: session state as JSON strings with a PX ttl, stream events
 * as Redis STREAMs trimmed to a bound, call records and adoption claims as plain keys, liveness as
 * a key each node renews, and the bus on pub/sub. Every command goes through one auto-pipelined
 * connection, whose single queue keeps this node's writes in the order they were made.
 */
import type { JsonRpcMessage, JsonRpcRequest } from "@mcp-runtime/protocol";
import type { Redis } from "ioredis";
import type { BusMessage, ClusterEvent, SessionCluster, SessionState } from "../cluster.js";
import { type ClusterConnections, closeConnection, connectAll, createConnections } from "./connection.js";
import { decodeCall, decodeEvent, decodeState, encodeBus, type StreamEntry } from "./decode.js";
import { asError } from "./errors.js";
import { ClusterKeys } from "./keys.js";
import { type RedisSessionClusterOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { SessionBus } from "./session-bus.js";

/** Redis wants whole milliseconds, and at least one. */
function px(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}

export class RedisSessionCluster implements SessionCluster {
  readonly nodeId: string;
  private readonly options: ResolvedOptions;
  private readonly keys: ClusterKeys;
  private readonly connections: ClusterConnections;
  private readonly redis: Redis;
  private readonly bus: SessionBus;
  private heartbeat: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: RedisSessionClusterOptions) {
    this.options = resolveOptions(options);
    this.nodeId = this.options.nodeId;
    this.keys = new ClusterKeys(this.options.prefix);
    this.connections = createConnections(this.options.url);
    this.redis = this.connections.commands;
    this.bus = new SessionBus(this.connections.subscriber, this.keys, this.nodeId, this.options.onError);
  }

  async saveSession(sessionId: string, state: SessionState, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.state(sessionId), JSON.stringify(state), "PX", px(ttlMs));
  }

  async loadSession(sessionId: string): Promise<SessionState | undefined> {
    const text = await this.redis.get(this.keys.state(sessionId));
    if (text === null) return undefined;
    const state = decodeState(text);
    if (state === undefined)
      this.options.onError(new Error("malformed session state ignored"), "loadSession");
    return state;
  }

  async touchSession(sessionId: string, ttlMs: number): Promise<boolean> {
    const [touched] = await Promise.all([
      this.redis.pexpire(this.keys.state(sessionId), px(ttlMs)),
      this.redis.pexpire(this.keys.streams(sessionId), px(ttlMs)),
    ]);
    return touched === 1;
  }

  async deleteSession(sessionId: string): Promise<void> {
    const streams = await this.redis.smembers(this.keys.streams(sessionId));
    const keys = [this.keys.state(sessionId), this.keys.streams(sessionId)];
    for (const streamId of streams)
      keys.push(
        this.keys.events(sessionId, streamId),
        this.keys.call(sessionId, streamId),
        this.keys.adoption(sessionId, streamId),
      );
    // one DEL: the hash tag puts every key of the session in one slot, so this holds on Redis Cluster
    await this.redis.del(...keys);
  }

  appendEvent(
    sessionId: string,
    streamId: string,
    eventId: string,
    message: JsonRpcMessage | undefined,
    ttlMs: number,
  ): void {
    const key = this.keys.events(sessionId, streamId);
    const fields =
      message === undefined ? ["i", eventId, "end", "1"] : ["i", eventId, "m", JSON.stringify(message)];
    const failed = (error: unknown) => this.options.onError(asError(error), "appendEvent");
    // "~": Redis trims whole stream nodes, far cheaper than exact trimming on every append
    this.redis.xadd(key, "MAXLEN", "~", this.options.maxEventsPerStream, "*", ...fields).catch(failed);
    this.redis.pexpire(key, px(ttlMs)).catch(failed);
    this.remember(sessionId, streamId, ttlMs, failed);
  }

  async readEvents(sessionId: string, streamId: string): Promise<ClusterEvent[]> {
    const entries = (await this.redis.xrange(
      this.keys.events(sessionId, streamId),
      "-",
      "+",
    )) as StreamEntry[];
    const events: ClusterEvent[] = [];
    for (const entry of entries) {
      const event = decodeEvent(entry);
      if (event === undefined)
        this.options.onError(new Error("malformed stream event skipped"), "readEvents");
      else events.push(event);
    }
    return events;
  }

  async recordCall(
    sessionId: string,
    streamId: string,
    request: JsonRpcRequest,
    ttlMs: number,
  ): Promise<void> {
    const failed = (error: unknown) => this.options.onError(asError(error), "recordCall");
    const record = JSON.stringify({ node: this.nodeId, request });
    this.remember(sessionId, streamId, ttlMs, failed);
    await this.redis.set(this.keys.call(sessionId, streamId), record, "PX", px(ttlMs));
  }

  async callOf(
    sessionId: string,
    streamId: string,
  ): Promise<{ node: string; request: JsonRpcRequest } | undefined> {
    const text = await this.redis.get(this.keys.call(sessionId, streamId));
    return text === null ? undefined : decodeCall(text);
  }

  async claimAdoption(sessionId: string, streamId: string, ttlMs: number): Promise<boolean> {
    const key = this.keys.adoption(sessionId, streamId);
    return (await this.redis.set(key, this.nodeId, "PX", px(ttlMs), "NX")) === "OK";
  }

  async isNodeAlive(nodeId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.node(nodeId))) === 1;
  }

  publish(sessionId: string, message: BusMessage): void {
    this.redis
      .publish(this.keys.bus(sessionId), encodeBus(this.nodeId, message))
      .catch((error: unknown) => this.options.onError(asError(error), "publish"));
  }

  subscribe(sessionId: string, listener: (message: BusMessage) => void): Promise<void> {
    return this.bus.subscribe(sessionId, listener);
  }

  unsubscribe(sessionId: string): void {
    this.bus.unsubscribe(sessionId);
  }

  start(): Promise<void> {
    this.starting ??= this.connectAndBeat().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async connectAndBeat(): Promise<void> {
    if (this.closing) throw new Error("RedisSessionCluster is closed");
    await connectAll(this.connections, this.options.url);
    await this.beat();
    this.heartbeat = setInterval(() => {
      this.beat().catch((error: unknown) => this.options.onError(asError(error), "heartbeat"));
    }, this.options.heartbeatMs);
    // liveness must not keep the process up: a node that exits is dead for the others anyway
    this.heartbeat.unref();
  }

  private async beat(): Promise<void> {
    await this.redis.set(this.keys.node(this.nodeId), "1", "PX", 3 * this.options.heartbeatMs);
  }

  private async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (this.redis.status === "ready") {
      // removed at once so survivors adopt this node's streams now, not after the liveness ttl
      await this.redis
        .del(this.keys.node(this.nodeId))
        .catch((error: unknown) => this.options.onError(asError(error), "close"));
    }
    await Promise.all([
      closeConnection(this.connections.commands),
      closeConnection(this.connections.subscriber),
    ]);
  }

  /** Adds the stream to the session's set (what deleteSession removes) and extends the set. */
  private remember(
    sessionId: string,
    streamId: string,
    ttlMs: number,
    failed: (error: unknown) => void,
  ): void {
    const set = this.keys.streams(sessionId);
    this.redis.sadd(set, streamId).catch(failed);
    this.redis.pexpire(set, px(ttlMs)).catch(failed);
  }
}
