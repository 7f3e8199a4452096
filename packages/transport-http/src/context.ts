/** @module What every endpoint handler of one app shares; built once by the app factory. */
import type { McpServer } from "@mcp-runtime/protocol";
import type { ClusterSessions } from "./cluster-sessions.js";
import type { EventStore } from "./event-store.js";
import type { JsonReplies } from "./http-replies.js";
import type { LegacySession } from "./legacy-session.js";
import type { Lifecycle } from "./lifecycle.js";
import type { ModernSessions } from "./modern-sessions.js";
import type { ResolvedOptions } from "./options.js";
import type { SessionStore } from "./session-store.js";

export interface EndpointContext {
  readonly server: McpServer;
  readonly options: ResolvedOptions;
  readonly lifecycle: Lifecycle;
  readonly sessions: SessionStore<LegacySession>;
  readonly events: EventStore;
  readonly modern: ModernSessions;
  /** set when sessions are shared with other nodes (`cluster` option) */
  readonly cluster: ClusterSessions | undefined;
  /** JSON bodies, compressed per this app's settings */
  readonly replies: JsonReplies;
}
