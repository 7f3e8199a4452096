/**
 * @module Events of legacy SSE streams, kept so a client that lost its connection can resume with
 * `Last-Event-ID` (2025-11-25 "Resumability and Redelivery"). Event ids name their stream, and a
 * replay is scoped to the asking session and that one stream: never another stream's events.
 */
import type { JsonRpcMessage } from "@mcp-runtime/protocol";

/** The stream an event id belongs to (ids are `<stream>_<suffix>`), or undefined when malformed. */
export function streamOfEvent(eventId: string): string | undefined {
  const cut = eventId.lastIndexOf("_");
  return cut <= 0 ? undefined : eventId.slice(0, cut);
}

export interface StoredEvent {
  readonly id: string;
  readonly message: JsonRpcMessage;
}

export interface EventStore {
  /** Records one event of a stream and returns its id (the SSE `id:` field). */
  append(sessionId: string, streamId: string, message: JsonRpcMessage): string;
  /**
   * The events after `lastEventId` on the stream it belongs to, when that stream belongs to
   * `sessionId`; undefined for an unknown, foreign or malformed id.
   */
  replayAfter(
    sessionId: string,
    lastEventId: string,
  ): { streamId: string; events: StoredEvent[] } | undefined;
  /** Forgets everything of a session (on DELETE, eviction, shutdown). */
  dropSession(sessionId: string): void;
  /** Marks a stream as ended (its result was written), for stores that other nodes replay from. */
  end?(sessionId: string, streamId: string): void;
}

export interface MemoryEventStoreOptions {
  /** Events kept per stream; older ones are dropped first. Default 1,000. */
  maxEventsPerStream?: number;
  /** Streams kept per session; the oldest stream is dropped first. Default 64. */
  maxStreamsPerSession?: number;
}

interface StreamLog {
  nextSeq: number;
  /** sequence number of events[0] */
  firstSeq: number;
  events: StoredEvent[];
}

/** In-process event store, bounded per stream and per session. */
export class MemoryEventStore implements EventStore {
  private readonly sessions = new Map<string, Map<string, StreamLog>>();
  private readonly maxEvents: number;
  private readonly maxStreams: number;

  constructor(options: MemoryEventStoreOptions = {}) {
    const { maxEventsPerStream = 1000, maxStreamsPerSession = 64 } = options;
    if (!Number.isInteger(maxEventsPerStream) || maxEventsPerStream < 1) {
      throw new TypeError('"maxEventsPerStream" option must be a positive integer');
    }
    if (!Number.isInteger(maxStreamsPerSession) || maxStreamsPerSession < 1) {
      throw new TypeError('"maxStreamsPerSession" option must be a positive integer');
    }
    this.maxEvents = maxEventsPerStream;
    this.maxStreams = maxStreamsPerSession;
  }

  append(sessionId: string, streamId: string, message: JsonRpcMessage): string {
    let streams = this.sessions.get(sessionId);
    if (!streams) {
      streams = new Map();
      this.sessions.set(sessionId, streams);
    }
    let log = streams.get(streamId);
    if (!log) {
      if (streams.size >= this.maxStreams) {
        const oldest = streams.keys().next().value;
        if (oldest !== undefined) streams.delete(oldest);
      }
      log = { nextSeq: 1, firstSeq: 1, events: [] };
      streams.set(streamId, log);
    }
    const id = `${streamId}_${log.nextSeq++}`;
    log.events.push({ id, message });
    if (log.events.length > this.maxEvents) {
      log.events.shift();
      log.firstSeq++;
    }
    return id;
  }

  replayAfter(
    sessionId: string,
    lastEventId: string,
  ): { streamId: string; events: StoredEvent[] } | undefined {
    const streamId = streamOfEvent(lastEventId);
    if (streamId === undefined) return undefined;
    const seq = Number(lastEventId.slice(streamId.length + 1));
    const log = this.sessions.get(sessionId)?.get(streamId);
    if (!log || !Number.isInteger(seq) || seq < 1 || seq >= log.nextSeq) return undefined;
    // Events before firstSeq were dropped: the client gets what is left rather than nothing.
    const start = Math.max(seq + 1 - log.firstSeq, 0);
    return { streamId, events: log.events.slice(start) };
  }

  dropSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /** Sessions with stored events (for tests and metrics). */
  get sessionCount(): number {
    return this.sessions.size;
  }
}
