/**
 * @module One 2025-era session (Streamable HTTP with Mcp-Session-Id, or a 2024-11-05 /sse
 * connection): the protocol session, its standalone server→client stream and the POST streams
 * that may still be resumed. In a cluster this object is this node's replica of a session whose
 * state lives in the shared store; several nodes may hold one at once.
 */
import type {
  JsonRpcMessage,
  LegacySessionSnapshot,
  McpServer,
  RequestChannel,
  ServerSession,
} from "@mcp-runtime/protocol";
import type { EventStore } from "./event-store.js";
import { type ReplyContext, ReplyStream } from "./reply-stream.js";
import type { SessionRecord } from "./session-store.js";
import { isOpen } from "./sse.js";
import { sessionOptions } from "./tool-grant.js";
import { STANDALONE_STREAM } from "./transport-constants.js";
import type { ToolGrant } from "./transport-types.js";

/** What a replica needs of its cluster: where messages for another node's standalone stream go. */
export interface ReplicaLink {
  readonly nodeId: string;
  /** forwards a message to the node that holds the session's standalone stream */
  forward(sessionId: string, message: JsonRpcMessage): void;
  /** the replica closed (eviction, shutdown): stop listening for its session */
  released(sessionId: string): void;
}

/** A connection resuming a POST stream: gets the stream's events as they are written, on any node. */
export interface StreamResumer {
  /** `message` undefined: the stream ended */
  live(id: string, message: JsonRpcMessage | undefined): void;
  end(): void;
}

/**
 * The session's channel for out-of-band messages in a cluster: written to the standalone stream on
 * the node that holds it (the home), forwarded there from any other replica. Messages every
 * replica emits alike (list changes, resource updates) are only written by the home, once.
 */
class ReplicaPeer implements RequestChannel {
  constructor(
    private readonly record: LegacySession,
    private readonly link: ReplicaLink,
  ) {}

  send(message: JsonRpcMessage): void {
    if (this.record.home) this.record.standalone.send(message);
    else this.link.forward(this.record.id, message);
  }

  announce(message: JsonRpcMessage): void {
    if (this.record.home) this.record.standalone.send(message);
  }
}

export class LegacySession implements SessionRecord {
  readonly id: string;
  readonly subject: string | undefined;
  readonly kind: "streamable" | "sse";
  readonly session: ServerSession;
  /** the GET stream (streamable) or the /sse stream: where out-of-band messages go */
  readonly standalone: ReplyStream;
  /** where the session's own out-of-band messages go: the standalone stream, or its home node */
  readonly peer: RequestChannel;
  /** POST streams whose result is not written yet (reattachable with Last-Event-ID) */
  readonly streams = new Map<string, ReplyStream>();
  /** connections resuming a stream through the cluster, by stream id */
  readonly resumers = new Map<string, StreamResumer>();
  lastActiveAt = 0;
  busy = 0;
  /** Whether this node writes the session's standalone stream (always, outside a cluster). */
  home = true;
  /** the protocol session's stateVersion last saved to (or loaded from) the cluster */
  savedVersion = 0;
  /** ms since epoch of the last touch sent to the cluster */
  touchedAt = 0;
  private nextStream = 1;
  private readonly events: EventStore | undefined;
  private readonly link: ReplicaLink | undefined;
  private closed = false;

  constructor(init: {
    id: string;
    subject: string | undefined;
    /** fixes the tools this session lists; each tools/call is still checked against its own request's grant */
    grant?: ToolGrant | undefined;
    kind: "streamable" | "sse";
    server: McpServer;
    replyContext: ReplyContext;
    events: EventStore | undefined;
    /** set in a cluster */
    link?: ReplicaLink | undefined;
    /** a replica of a session initialized on another node */
    restore?: LegacySessionSnapshot | undefined;
  }) {
    this.id = init.id;
    this.subject = init.subject;
    this.kind = init.kind;
    this.events = init.events;
    this.link = init.link;
    this.standalone = new ReplyStream(
      undefined,
      init.replyContext,
      init.events ? { events: init.events, sessionId: init.id, streamId: STANDALONE_STREAM } : undefined,
    );
    this.peer = init.link === undefined ? this.standalone : new ReplicaPeer(this, init.link);
    this.session = init.server.createSession(this.peer, {
      ...sessionOptions(init.subject, init.grant),
      id: init.id,
      ...(init.link === undefined ? {} : { outboundIdPrefix: `s${init.link.nodeId}.` }),
      ...(init.restore === undefined ? {} : { restore: init.restore }),
    });
    this.savedVersion = this.session.stateVersion;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether a client holds the standalone stream now (one at a time: another GET is a 409). */
  get standaloneOpen(): boolean {
    const res = this.standalone.res;
    return res !== undefined && isOpen(res);
  }

  /** Stream ids name their node in a cluster: two replicas of a session never pick the same id. */
  newStreamId(): string {
    const n = this.nextStream++;
    return this.link === undefined ? String(n) : `${this.link.nodeId}.${n}`;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.session.close(reason);
    this.standalone.end();
    for (const stream of this.streams.values()) stream.end();
    this.streams.clear();
    for (const resumer of [...this.resumers.values()]) resumer.end();
    this.resumers.clear();
    this.events?.dropSession(this.id);
    this.link?.released(this.id);
  }
}
