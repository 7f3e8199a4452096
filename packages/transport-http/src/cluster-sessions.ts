/**
 * @module Legacy sessions served by any node of a cluster. A node that gets a request for a session
 * it does not hold rebuilds a replica from the shared state; replicas keep each other current over
 * the session's bus (state changes, deletion, answers to server requests, messages for the node
 * holding the standalone stream). A POST stream's events are shared too, so a client whose
 * connection broke resumes it on any node; when the node serving the call died, one survivor
 * adopts the stream and delivers the call again under the same call key (a queued job is joined,
 * not run twice).
 */
import type { ServerResponse } from "node:http";
import {
  type ClientCapabilities,
  type Implementation,
  isRequest,
  type JsonObject,
  type JsonRpcId,
  type JsonRpcMessage,
  type JsonRpcRequest,
  type LegacySessionSnapshot,
  type LoggingLevel,
  type McpServer,
} from "@mcp-runtime/protocol";
import type { BusMessage, ClusterEvent, SessionCluster, SessionState } from "./cluster.js";
import { ClusterEvents } from "./cluster-events.js";
import { LegacySession, type ReplicaLink, type StreamResumer } from "./legacy-session.js";
import type { ResolvedOptions } from "./options.js";
import { type ReplyContext, ReplyStream } from "./reply-stream.js";
import type { SessionStore } from "./session-store.js";
import { isOpen, startSse, writePriming, writeSseMessage } from "./sse.js";
import { STANDALONE_STREAM, TRANSPORT_ERROR } from "./transport-constants.js";
import type { ToolGrant } from "./transport-types.js";

/** How often a resumer waiting on another node's stream re-reads it and checks that node is alive. */
const OWNER_CHECK_MS = 1000;
/**
 * Requests about a job (2025-11-25 tasks): made resumable as they arrive, since their answer is
 * the only way the client learns a job's outcome; they are reads, safe to deliver again.
 */
export const JOB_READS: ReadonlySet<string> = new Set(["tasks/get", "tasks/result"]);
/** Priming needs 2025-11-25 clients: older ones may choke on an event with empty data. */
const PRIMING_VERSIONS = new Set(["2025-11-25"]);

function toState(record: LegacySession, snapshot: LegacySessionSnapshot): SessionState {
  return {
    v: 1,
    kind: record.kind,
    subject: record.subject ?? null,
    protocolVersion: snapshot.protocolVersion,
    clientCapabilities: snapshot.clientCapabilities as JsonObject,
    ...(snapshot.clientInfo === undefined
      ? {}
      : { clientInfo: snapshot.clientInfo as unknown as JsonObject }),
    ...(snapshot.logLevel === undefined ? {} : { logLevel: snapshot.logLevel }),
    subscriptions: snapshot.subscriptions,
  };
}

function toSnapshot(state: SessionState): LegacySessionSnapshot {
  return {
    protocolVersion: state.protocolVersion,
    clientCapabilities: state.clientCapabilities as ClientCapabilities,
    clientInfo: state.clientInfo as Implementation | undefined,
    logLevel: state.logLevel as LoggingLevel | undefined,
    subscriptions: [...state.subscriptions],
  };
}

/**
 * A connection resuming a stream: replays what was stored, then follows live events. The bus is
 * at-most-once, so the store is read again now and then and anything the bus dropped is written.
 */
class Resumer implements StreamResumer {
  private buffer: [string, JsonRpcMessage | undefined][] | undefined = [];
  /** ids already written (or skipped as seen by the client); bounded by the stream's length */
  private readonly seen = new Set<string>();
  private finished = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly onEnd: () => void,
  ) {}

  get ended(): boolean {
    return this.finished;
  }

  live(id: string, message: JsonRpcMessage | undefined): void {
    if (this.buffer !== undefined) this.buffer.push([id, message]);
    else this.write(id, message);
  }

  /** Writes the stored events after `lastEventId`, then what arrived live meanwhile (without repeats). */
  replay(events: readonly ClusterEvent[], lastEventId: string): void {
    const at = events.findIndex((event) => event.id === lastEventId);
    // An id we do not have (a priming event, or one trimmed away): everything that is left.
    for (let i = 0; i <= at; i++) this.seen.add(events[i]?.id ?? "");
    this.catchUp(events);
    const buffered = this.buffer ?? [];
    this.buffer = undefined;
    for (const [id, message] of buffered) this.write(id, message);
  }

  /** Writes stored events not written yet, in stored order. */
  catchUp(events: readonly ClusterEvent[]): void {
    for (const event of events) this.write(event.id, event.end ? undefined : event.message);
  }

  end(): void {
    if (this.finished) return;
    this.finished = true;
    if (isOpen(this.res)) this.res.end();
    this.onEnd();
  }

  private write(id: string, message: JsonRpcMessage | undefined): void {
    if (this.finished) return;
    if (message === undefined) {
      this.end();
      return;
    }
    if (this.seen.has(id)) return;
    this.seen.add(id);
    if (isOpen(this.res)) writeSseMessage(this.res, message, id);
  }
}

/** What the cluster needs of the app (the endpoint context has it; bound after construction). */
export interface ClusterContext extends ReplyContext {
  readonly server: McpServer;
  readonly options: ResolvedOptions;
  readonly sessions: SessionStore<LegacySession>;
}

export class ClusterSessions implements ReplicaLink {
  readonly events: ClusterEvents;
  /** replicas being rebuilt, so concurrent requests for one session share the load */
  private readonly loading = new Map<string, Promise<LegacySession | undefined>>();
  private readonly ttlMs: number;
  private ctx: ClusterContext | undefined;

  constructor(
    readonly cluster: SessionCluster,
    idleTimeoutMs: number,
  ) {
    this.ttlMs = idleTimeoutMs;
    this.events = new ClusterEvents(cluster, idleTimeoutMs, (sessionId, streamId, id, message) =>
      this.ctx?.sessions.get(sessionId)?.resumers.get(streamId)?.live(id, message),
    );
  }

  get nodeId(): string {
    return this.cluster.nodeId;
  }

  /** Called once by the app factory (the context holds this object, so it comes second). */
  bind(ctx: ClusterContext): void {
    this.ctx = ctx;
  }

  private get context(): ClusterContext {
    if (this.ctx === undefined) throw new Error("ClusterSessions used before bind()");
    return this.ctx;
  }

  // ReplicaLink
  forward(sessionId: string, message: JsonRpcMessage): void {
    this.cluster.publish(sessionId, { t: "oob", m: message });
  }

  released(sessionId: string): void {
    this.cluster.unsubscribe(sessionId);
  }

  /** This node's replica of a session, rebuilt from the shared state when it has none. */
  find(sessionId: string, grant: ToolGrant | undefined): Promise<LegacySession | undefined> {
    const local = this.context.sessions.get(sessionId);
    if (local !== undefined) return Promise.resolve(local);
    let pending = this.loading.get(sessionId);
    if (pending === undefined) {
      pending = this.rebuild(sessionId, grant).finally(() => this.loading.delete(sessionId));
      this.loading.set(sessionId, pending);
    }
    return pending;
  }

  private async rebuild(sessionId: string, grant: ToolGrant | undefined): Promise<LegacySession | undefined> {
    const ctx = this.context;
    const state = await this.cluster.loadSession(sessionId);
    if (state === undefined) return undefined;
    const record = new LegacySession({
      id: sessionId,
      subject: state.subject ?? undefined,
      grant,
      kind: state.kind,
      server: ctx.server,
      replyContext: ctx,
      events: this.events,
      link: this,
      // An empty version: a 2024-11-05 session whose `initialize` has not come yet.
      ...(state.protocolVersion === "" ? {} : { restore: toSnapshot(state) }),
    });
    // Another node holds the standalone stream (or nobody does until the client opens one).
    record.home = false;
    record.touchedAt = Date.now();
    await this.cluster.subscribe(sessionId, (message) => this.onBus(record, message));
    if (!ctx.sessions.add(record)) {
      record.close("too many sessions");
      throw new ClusterCapacityError();
    }
    return record;
  }

  /** A session was just created on this node: share it before the client learns its id. */
  async created(record: LegacySession): Promise<void> {
    const snapshot = record.session.snapshot();
    if (snapshot === undefined) throw new Error("session created before initialize");
    record.touchedAt = Date.now();
    await this.cluster.subscribe(record.id, (message) => this.onBus(record, message));
    await this.cluster.saveSession(record.id, toState(record, snapshot), this.ttlMs);
    record.savedVersion = record.session.stateVersion;
  }

  /**
   * A 2024-11-05 session was just opened on this node (its /sse stream is here): shared before its
   * first POST, which may reach another node, and before `initialize` (an empty protocol version).
   */
  async createdUninitialized(record: LegacySession): Promise<void> {
    record.touchedAt = Date.now();
    await this.cluster.subscribe(record.id, (message) => this.onBus(record, message));
    const state: SessionState = {
      v: 1,
      kind: record.kind,
      subject: record.subject ?? null,
      protocolVersion: "",
      clientCapabilities: {},
      subscriptions: [],
    };
    await this.cluster.saveSession(record.id, state, this.ttlMs);
    record.savedVersion = record.session.stateVersion;
  }

  /** After a request: share a state change with the other replicas; keep the session alive. */
  afterRequest(record: LegacySession): void {
    if (record.isClosed) return;
    const session = record.session;
    if (session.stateVersion !== record.savedVersion) {
      const snapshot = session.snapshot();
      if (snapshot !== undefined) {
        record.savedVersion = session.stateVersion;
        record.touchedAt = Date.now();
        const state = toState(record, snapshot);
        this.cluster.saveSession(record.id, state, this.ttlMs).then(
          () => this.cluster.publish(record.id, { t: "state", state }),
          (cause: unknown) => this.failed("session save", cause),
        );
      }
      return;
    }
    // A touch per tenth of the idle timeout is enough to keep an active session alive.
    const now = Date.now();
    if (now - record.touchedAt < this.ttlMs / 10) return;
    record.touchedAt = now;
    this.cluster.touchSession(record.id, this.ttlMs).then(
      (alive) => {
        if (!alive) this.dropReplica(record, "session expired");
      },
      (cause: unknown) => this.failed("session touch", cause),
    );
  }

  /** DELETE by the client (or the end of a 2024-11-05 stream): the session ends on every node. */
  async remove(record: LegacySession): Promise<void> {
    this.cluster.publish(record.id, { t: "del" });
    await this.cluster.deleteSession(record.id);
  }

  /** Whether this POST's stream can be made resumable (priming, and a record for adoption). */
  primes(record: LegacySession, message: JsonRpcMessage): message is JsonRpcRequest {
    const version = record.session.protocolVersion;
    return (
      version !== undefined &&
      PRIMING_VERSIONS.has(version) &&
      isRequest(message) &&
      (message.method === "tools/call" || JOB_READS.has(message.method))
    );
  }

  /**
   * Makes a POST stream resumable on any node, when it first needs it (see ReplyStream.durable):
   * records the call for adoption, then, when `withPriming`, starts the reply with a priming event.
   */
  resumable(
    record: LegacySession,
    streamId: string,
    request: JsonRpcRequest,
    reply: ReplyStream,
    res: ServerResponse,
  ): (withPriming: boolean) => Promise<void> {
    return async (withPriming) => {
      try {
        await this.cluster.recordCall(record.id, streamId, request, this.ttlMs);
      } catch (cause) {
        // Without the record nobody could adopt the stream: serve it unprimed, as a single node would.
        this.failed("call record", cause);
        return;
      }
      if (withPriming && isOpen(res) && !reply.streaming) reply.prime(res, `${streamId}_p`);
    };
  }

  /** The call key of a request of this session: the same on every delivery, on every node. */
  callKey(record: LegacySession, request: JsonRpcRequest): string {
    return `${record.id}:${typeof request.id}:${String(request.id)}`;
  }

  /** GET with Last-Event-ID naming a POST stream: replay, then follow it wherever it is written. */
  async resume(
    record: LegacySession,
    res: ServerResponse,
    streamId: string,
    lastEventId: string,
  ): Promise<void> {
    const ctx = this.context;
    startSse(res);
    // Primed again with the client's own position: a client that only knows ids from the stream it
    // reads (the SDKs) can resume from here once more if this connection ends before an event does.
    writePriming(res, lastEventId);
    record.resumers.get(streamId)?.end();
    record.busy++;
    ctx.lifecycle.trackStream(res);
    let timer: NodeJS.Timeout | undefined;
    const resumer = new Resumer(res, () => {
      if (timer !== undefined) clearTimeout(timer);
      if (record.resumers.get(streamId) === resumer) record.resumers.delete(streamId);
      ctx.lifecycle.untrackStream(res);
      ctx.lifecycle.removeLongStream(stream);
    });
    const stream = { end: () => resumer.end() };
    ctx.lifecycle.addLongStream(stream);
    record.resumers.set(streamId, resumer);
    res.once("close", () => {
      resumer.end();
      record.busy--;
      ctx.sessions.touch(record);
    });
    let events: ClusterEvent[];
    try {
      events = await this.cluster.readEvents(record.id, streamId);
    } catch (cause) {
      this.failed("event replay", cause);
      resumer.end();
      return;
    }
    resumer.replay(events, lastEventId);
    if (resumer.ended || record.streams.has(streamId)) return;
    const call = await this.cluster.callOf(record.id, streamId).catch((cause: unknown) => {
      this.failed("call lookup", cause);
      return undefined;
    });
    // No record: a stream that was never primed here, or one expired; nothing more will come.
    if (call === undefined) {
      resumer.end();
      return;
    }
    const check = async (): Promise<void> => {
      timer = undefined;
      if (resumer.ended || record.isClosed) return;
      try {
        resumer.catchUp(await this.cluster.readEvents(record.id, streamId));
        if (resumer.ended) return;
        const alive = call.node === this.nodeId || (await this.cluster.isNodeAlive(call.node));
        if (!alive && !resumer.ended && (await this.cluster.claimAdoption(record.id, streamId, this.ttlMs))) {
          this.adopt(record, streamId, call.request);
          return;
        }
      } catch (cause) {
        this.failed("owner check", cause);
      }
      if (!resumer.ended) timer = setTimeout(check, OWNER_CHECK_MS);
    };
    await check();
  }

  /** Delivers a dead node's call again on this node, under the same call key, into the same stream. */
  private adopt(record: LegacySession, streamId: string, request: JsonRpcRequest): void {
    const ctx = this.context;
    const reply = new ReplyStream(undefined, ctx, { events: this.events, sessionId: record.id, streamId });
    reply.callKey = this.callKey(record, request);
    reply.redelivered = true;
    reply.streamDetached();
    record.streams.set(streamId, reply);
    record.busy++;
    ctx.lifecycle.begin();
    ctx.options.onEvent({ msg: "stream adopted", session: record.id, stream: streamId });
    record.session
      .handleFrame({ kind: "message", message: request }, reply)
      .then((response) => reply.finish(response, 200))
      .finally(() => {
        record.streams.delete(streamId);
        record.busy--;
        ctx.lifecycle.end();
      });
  }

  /** GET without Last-Event-ID, or naming the standalone stream: this node becomes the session's home. */
  async openStandalone(
    record: LegacySession,
    res: ServerResponse,
    lastEventId: string | undefined,
  ): Promise<boolean> {
    let events: ClusterEvent[] = [];
    if (lastEventId !== undefined) {
      try {
        events = await this.cluster.readEvents(record.id, STANDALONE_STREAM);
      } catch (cause) {
        this.failed("event replay", cause);
      }
    }
    if (!isOpen(res)) return false;
    startSse(res);
    if (lastEventId !== undefined) {
      const at = events.findIndex((event) => event.id === lastEventId);
      for (const event of events.slice(at + 1)) {
        if (event.message !== undefined) writeSseMessage(res, event.message, event.id);
      }
    }
    if (!record.home) {
      record.home = true;
      this.cluster.publish(record.id, { t: "home" });
    }
    return true;
  }

  /** Draining: the node's live POST streams end so their clients resume elsewhere. */
  releaseStreams(): void {
    for (const record of this.context.sessions.values()) {
      for (const stream of record.streams.values()) stream.release();
    }
  }

  /** Leaves the cluster: survivors adopt what this node still serves; nothing more is written. */
  async leave(): Promise<void> {
    this.events.close();
    await this.cluster.close();
  }

  private onBus(record: LegacySession, message: BusMessage): void {
    switch (message.t) {
      case "ev":
        record.resumers.get(message.stream)?.live(message.id, message.m);
        return;
      case "end":
        record.resumers.get(message.stream)?.live("", undefined);
        return;
      case "oob":
        if (record.home) record.standalone.send(message.m);
        return;
      case "resp":
        if (message.m.id !== null && record.session.awaitsResponse(message.m.id))
          void record.session.handle(message.m);
        return;
      case "state":
        if (message.state.protocolVersion === "") return;
        record.session.restore(toSnapshot(message.state));
        record.savedVersion = record.session.stateVersion;
        return;
      case "home":
        record.home = false;
        return;
      case "del":
        this.dropReplica(record, "session deleted by the client");
        return;
    }
  }

  /** A client's answer to a server request this replica did not send: the node that did takes it. */
  routeAnswer(record: LegacySession, message: JsonRpcMessage): boolean {
    if (!("id" in message) || "method" in message || message.id === null) return false;
    if (record.session.awaitsResponse(message.id)) return false;
    this.cluster.publish(record.id, { t: "resp", m: message });
    return true;
  }

  private dropReplica(record: LegacySession, reason: string): void {
    if (this.context.sessions.delete(record.id) !== undefined) record.close(reason);
  }

  private failed(operation: string, cause: unknown): void {
    this.ctx?.options.onEvent({
      msg: "session cluster failed",
      operation,
      error: cause instanceof Error ? cause.message : String(cause),
    });
  }
}

/** The node holds as many sessions as it may; the client should retry (on another node). */
export class ClusterCapacityError extends Error {
  readonly code = "ERR_TOO_MANY_SESSIONS";
  constructor() {
    super("too many sessions on this node");
    this.name = "ClusterCapacityError";
  }
}

/**
 * The shared store failed a request that needs it: logged, and answered 503 with Retry-After (5 s
 * when this node is full of sessions, 1 s when the store is away). `res` undefined: log only.
 */
export function storeFailed(
  ctx: ClusterContext,
  res: ServerResponse | undefined,
  cause: unknown,
  id: JsonRpcId | null = null,
): void {
  const full = cause instanceof ClusterCapacityError;
  if (!full)
    ctx.options.onEvent({
      msg: "session store unavailable",
      error: cause instanceof Error ? cause.message : String(cause),
    });
  if (res === undefined) return;
  ctx.replies.error(
    res,
    503,
    TRANSPORT_ERROR,
    full ? "Too many sessions; retry later" : "Session store unavailable; retry later",
    id,
    { "retry-after": full ? "5" : "1" },
  );
}
