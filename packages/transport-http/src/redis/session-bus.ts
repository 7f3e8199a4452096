/**
 * @module The per-session bus on Redis pub/sub: one channel per session, one listener per session
 * on this node. Payloads carry the sender's node id so a node never hears its own messages.
 */
import type { Redis } from "ioredis";
import type { BusMessage } from "../cluster.js";
import { decodeBus } from "./decode.js";
import { asError } from "./errors.js";
import type { ClusterKeys } from "./keys.js";

type Listener = (message: BusMessage) => void;
type ReportError = (error: Error, operation: string) => void;

export class SessionBus {
  /** channel → listener */
  private readonly listeners = new Map<string, Listener>();

  constructor(
    private readonly subscriber: Redis,
    private readonly keys: ClusterKeys,
    private readonly nodeId: string,
    private readonly report: ReportError,
  ) {
    subscriber.on("message", (channel: string, payload: string) => this.deliver(channel, payload));
  }

  /** Resolves once Redis confirmed the SUBSCRIBE; a later call for the same session replaces the listener. */
  async subscribe(sessionId: string, listener: Listener): Promise<void> {
    const channel = this.keys.bus(sessionId);
    this.listeners.set(channel, listener);
    await this.subscriber.subscribe(channel);
  }

  unsubscribe(sessionId: string): void {
    const channel = this.keys.bus(sessionId);
    if (!this.listeners.delete(channel)) return;
    this.subscriber
      .unsubscribe(channel)
      .catch((error: unknown) => this.report(asError(error), "unsubscribe"));
  }

  /** Called from ioredis's reply parser: must never throw. */
  private deliver(channel: string, payload: string): void {
    const listener = this.listeners.get(channel);
    if (listener === undefined) return;
    const decoded = decodeBus(payload);
    if (decoded === undefined) {
      this.report(new Error("malformed bus message ignored"), "bus");
      return;
    }
    if (decoded.from === this.nodeId) return;
    try {
      listener(decoded.message);
    } catch (error) {
      this.report(asError(error), "bus listener");
    }
  }
}
