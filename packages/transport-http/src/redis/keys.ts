/**
 * @module The Redis keys of the session cluster. The session id is a hash tag (`{sid}`), so all
 * keys of one session share a Redis Cluster slot and may be used together in one command.
 */

export class ClusterKeys {
  constructor(private readonly prefix: string) {}

  /** the session's state: a JSON string with a PX ttl */
  state(sessionId: string): string {
    return `${this.prefix}s:{${sessionId}}`;
  }

  /** a Redis STREAM of one SSE stream's events */
  events(sessionId: string, streamId: string): string {
    return `${this.prefix}e:{${sessionId}}:${streamId}`;
  }

  /** the set of the session's stream ids (what deleteSession must remove) */
  streams(sessionId: string): string {
    return `${this.prefix}ss:{${sessionId}}`;
  }

  /** the request behind a POST stream and the node serving it: a JSON string */
  call(sessionId: string, streamId: string): string {
    return `${this.prefix}c:{${sessionId}}:${streamId}`;
  }

  /** the claim of the node that adopts an orphaned stream */
  adoption(sessionId: string, streamId: string): string {
    return `${this.prefix}a:{${sessionId}}:${streamId}`;
  }

  /** a node's liveness, renewed by its heartbeat */
  node(nodeId: string): string {
    return `${this.prefix}n:${nodeId}`;
  }

  /** the session's pub/sub channel */
  bus(sessionId: string): string {
    return `${this.prefix}b:{${sessionId}}`;
  }
}
