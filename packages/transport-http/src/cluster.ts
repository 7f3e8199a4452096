/**
 * @module What several runtime nodes share so that any node serves any 2025-era session: the
 * session's serialisable state, the events of its SSE streams (resumable with `Last-Event-ID` on
 * another node), the requests behind open POST streams (so a survivor can adopt a stream whose node
 * died), node liveness, and a per-session bus that carries live events, out-of-band messages and
 * client answers to the node that needs them. Without a cluster the transport keeps all of this in
 * process (the memory stores); `@mcp-runtime/transport-http/redis` implements it on Redis.
 */
import type { JsonObject, JsonRpcMessage, JsonRpcRequest, JsonRpcResponse } from "@mcp-runtime/protocol";

/** The part of a legacy session that outlives the node that created it (JSON-serialisable). */
export interface SessionState {
  readonly v: 1;
  readonly kind: "streamable" | "sse";
  /** authenticated subject the session is bound to; null without auth */
  readonly subject: string | null;
  readonly protocolVersion: string;
  readonly clientCapabilities: JsonObject;
  readonly clientInfo?: JsonObject;
  readonly logLevel?: string;
  /** resource URIs the client subscribed to */
  readonly subscriptions: readonly string[];
}

/** One stored event of a stream: a message, or the marker that the stream ended (its result was written). */
export interface ClusterEvent {
  readonly id: string;
  readonly message?: JsonRpcMessage;
  readonly end?: true;
}

/** What travels on a session's bus between the nodes that hold a replica of it. */
export type BusMessage =
  /** a live event of a POST stream (for a node that resumed that stream) */
  | { readonly t: "ev"; readonly stream: string; readonly id: string; readonly m: JsonRpcMessage }
  /** the stream's result was written: resumers end their connection */
  | { readonly t: "end"; readonly stream: string }
  /** a message for the session's standalone stream, for the node that holds it (the home) */
  | { readonly t: "oob"; readonly m: JsonRpcMessage }
  /** a client's answer to a server→client request; the node that sent the request takes it */
  | { readonly t: "resp"; readonly m: JsonRpcResponse }
  /** the session's state changed (log level, subscriptions): replicas adopt it */
  | { readonly t: "state"; readonly state: SessionState }
  /** another node now holds the standalone stream */
  | { readonly t: "home" }
  /** the client deleted the session */
  | { readonly t: "del" };

export interface SessionCluster {
  /** This node's id: base36, no "_" (it is part of stream and event ids). */
  readonly nodeId: string;

  /** Stores (or replaces) a session's state; it expires after `ttlMs` without a touch. */
  saveSession(sessionId: string, state: SessionState, ttlMs: number): Promise<void>;
  loadSession(sessionId: string): Promise<SessionState | undefined>;
  /** Extends the session's life; false when it is gone (expired or deleted elsewhere). */
  touchSession(sessionId: string, ttlMs: number): Promise<boolean>;
  /** Forgets the session: state, events, call records. */
  deleteSession(sessionId: string): Promise<void>;

  /**
   * Appends one event (a message, or the end marker when `message` is undefined) to a stream.
   * Fire and forget, but in order: appends from one node land in the order they were made.
   * Keeps at most a bounded number of events per stream; the stream expires after `ttlMs`.
   */
  appendEvent(
    sessionId: string,
    streamId: string,
    eventId: string,
    message: JsonRpcMessage | undefined,
    ttlMs: number,
  ): void;
  /** Every stored event of a stream, oldest first (empty for an unknown stream). */
  readEvents(sessionId: string, streamId: string): Promise<ClusterEvent[]>;

  /**
   * Records the request a POST stream answers and the node serving it. Awaited before the stream
   * is primed: a client must not be told it can resume a stream that nobody could adopt.
   */
  recordCall(sessionId: string, streamId: string, request: JsonRpcRequest, ttlMs: number): Promise<void>;
  callOf(sessionId: string, streamId: string): Promise<{ node: string; request: JsonRpcRequest } | undefined>;
  /** True for exactly one caller per stream (until `ttlMs` passes): that node adopts the stream. */
  claimAdoption(sessionId: string, streamId: string, ttlMs: number): Promise<boolean>;
  /** Whether a node's heartbeat is still fresh. */
  isNodeAlive(nodeId: string): Promise<boolean>;

  /** Sends to every other node that subscribed to the session (fire and forget). */
  publish(sessionId: string, message: BusMessage): void;
  /** One listener per session on this node; resolves once messages are being received. */
  subscribe(sessionId: string, listener: (message: BusMessage) => void): Promise<void>;
  unsubscribe(sessionId: string): void;

  /** Starts the heartbeat; rejects when the backend cannot be reached. */
  start(): Promise<void>;
  /** Stops the heartbeat and removes this node's liveness at once (so survivors adopt its streams now). */
  close(): Promise<void>;
}
