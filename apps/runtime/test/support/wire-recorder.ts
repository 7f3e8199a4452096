/**
 * @module Records what an SDK client transport sends and receives, so a test can prove what went
 * over the wire (which era, which methods) rather than trust what the client reports about itself.
 */
import type { WireMessage } from "./raw-stdio.js";

export interface Wire {
  readonly sent: WireMessage[];
  readonly received: WireMessage[];
}

// The structural core both SDK majors' Transport interfaces share.
interface TransportCore {
  start(): Promise<void>;
  send(message: unknown, options?: unknown): Promise<void>;
  onmessage?: ((message: unknown, extra?: unknown) => void) | undefined;
}

/**
 * Taps `transport` in place (it stays an instance of its own class, so SDKs that special-case
 * their own stdio transport still do). Install before `connect()`: the client sets `onmessage`
 * before it calls `start()`, which is where the receive tap goes in.
 */
export function recordWire(transport: object): Wire {
  // Both SDKs' transports have this shape; the cast is the one place the two type families meet.
  const core = transport as TransportCore;
  const wire: Wire = { sent: [], received: [] };
  const send = core.send.bind(core);
  const start = core.start.bind(core);
  core.send = (message, options) => {
    wire.sent.push(structuredClone(message) as WireMessage);
    return send(message, options);
  };
  core.start = () => {
    const deliver = core.onmessage;
    core.onmessage = (message, extra) => {
      wire.received.push(structuredClone(message) as WireMessage);
      deliver?.(message, extra);
    };
    return start();
  };
  return wire;
}

/** The requests in `messages` (they carry both an id and a method). */
export function requestsIn(messages: readonly WireMessage[]): WireMessage[] {
  return messages.filter((m) => m.method !== undefined && m.id !== undefined);
}
