/**
 * @module One 2025-era session (Streamable HTTP with Mcp-Session-Id, or a 2024-11-05 /sse
 * connection): the protocol session, its standalone server→client stream and the POST streams
 * that may still be resumed.
 */
import type { McpServer, ServerSession } from "@mcp-runtime/protocol";
import type { ReplyContext } from "./context.js";
import type { EventStore } from "./event-store.js";
import type { ToolGrant } from "./options.js";
import { ReplyStream } from "./reply-stream.js";
import type { SessionRecord } from "./session-store.js";
import { sessionOptions } from "./tool-grant.js";

/** Stream id of the standalone GET stream; POST streams count up from 1. */
export const STANDALONE_STREAM = "0";

export class LegacySession implements SessionRecord {
  readonly id: string;
  readonly subject: string | undefined;
  readonly kind: "streamable" | "sse";
  readonly session: ServerSession;
  /** the GET stream (streamable) or the /sse stream: where out-of-band messages go */
  readonly standalone: ReplyStream;
  /** POST streams whose result is not written yet (reattachable with Last-Event-ID) */
  readonly streams = new Map<string, ReplyStream>();
  lastActiveAt = 0;
  busy = 0;
  private nextStream = 1;
  private readonly events: EventStore | undefined;
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
  }) {
    this.id = init.id;
    this.subject = init.subject;
    this.kind = init.kind;
    this.events = init.events;
    this.standalone = new ReplyStream(
      undefined,
      init.replyContext,
      init.events ? { events: init.events, sessionId: init.id, streamId: STANDALONE_STREAM } : undefined,
    );
    this.session = init.server.createSession(this.standalone, {
      ...sessionOptions(init.subject, init.grant),
      id: init.id,
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  newStreamId(): string {
    return String(this.nextStream++);
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.session.close(reason);
    this.standalone.end();
    for (const stream of this.streams.values()) stream.end();
    this.streams.clear();
    this.events?.dropSession(this.id);
  }
}
