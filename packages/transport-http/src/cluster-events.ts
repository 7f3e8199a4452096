/**
 * @module The event store of a node in a cluster: every event of a legacy stream goes to the shared
 * backend (for replay on any node) and to the session's bus (for a node that resumed the stream),
 * and to this node's own resumers. Ids are unique across nodes (`<stream>_<node>.<n>`), because a
 * stream adopted by a survivor is written by two nodes in turn.
 */
import type { JsonRpcMessage } from "@mcp-runtime/protocol";
import type { SessionCluster } from "./cluster.js";
import type { EventStore } from "./event-store.js";
import { STANDALONE_STREAM } from "./transport-constants.js";

/** Receives this node's own events: `message` undefined means the stream ended. */
export type EventTap = (
  sessionId: string,
  streamId: string,
  id: string,
  message: JsonRpcMessage | undefined,
) => void;

export class ClusterEvents implements EventStore {
  private seq = 0;
  /** set when this node left the cluster: what its abandoned calls still produce must not reach clients */
  private closed = false;

  constructor(
    private readonly cluster: SessionCluster,
    private readonly ttlMs: number,
    private readonly tap: EventTap,
  ) {}

  append(sessionId: string, streamId: string, message: JsonRpcMessage): string {
    const id = `${streamId}_${this.cluster.nodeId}.${++this.seq}`;
    if (this.closed) return id;
    this.cluster.appendEvent(sessionId, streamId, id, message, this.ttlMs);
    // The standalone stream is only ever resumed on the node that writes it (its home).
    if (streamId !== STANDALONE_STREAM)
      this.cluster.publish(sessionId, { t: "ev", stream: streamId, id, m: message });
    this.tap(sessionId, streamId, id, message);
    return id;
  }

  end(sessionId: string, streamId: string): void {
    if (this.closed) return;
    const id = `${streamId}_${this.cluster.nodeId}.${++this.seq}`;
    this.cluster.appendEvent(sessionId, streamId, id, undefined, this.ttlMs);
    this.cluster.publish(sessionId, { t: "end", stream: streamId });
    this.tap(sessionId, streamId, id, undefined);
  }

  /** Cluster replays are asynchronous (ClusterSessions.openStream); this synchronous one finds nothing. */
  replayAfter(): undefined {
    return undefined;
  }

  /** A replica closing is not the session ending: DELETE goes through ClusterSessions.remove. */
  dropSession(): void {}

  close(): void {
    this.closed = true;
  }
}
