/**
 * @module A stand-in for the sidecar, for runtime tests: a bare `ws` server on port 0 that speaks
 * the runtime-to-sidecar protocol (acknowledges event batches, records every frame by type, can
 * send `run-evals`). It is not `mcp-sidecar`: it lets the runtime's side of status, capture and
 * evals frames be tested on its own, whatever the real sidecar accepts yet.
 */
import type { AddressInfo } from "node:net";
import type { AuditEvent, CapturedCall, StatusMessage } from "@mcp-runtime/telemetry";
import { WebSocket, WebSocketServer } from "ws";

export interface Frame {
  type: string;
  [key: string]: unknown;
}

export interface StandInSidecar {
  /** `ws://127.0.0.1:PORT` for `telemetry.sidecar` */
  readonly url: string;
  /** every frame received, in order, with the time it arrived (epoch ms) */
  readonly frames: { at: number; frame: Frame }[];
  events(): AuditEvent[];
  statuses(): { at: number; status: StatusMessage }[];
  captured(): CapturedCall[];
  /** sends a frame to every connected runtime */
  send(frame: Frame): void;
  /** drops every connection (the runtime reconnects) */
  disconnect(): void;
  close(): Promise<void>;
}

export async function startStandInSidecar(): Promise<StandInSidecar> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const frames: { at: number; frame: Frame }[] = [];
  server.on("connection", (socket: WebSocket) => {
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      frames.push({ at: Date.now(), frame });
      if (frame.type === "events") socket.send(JSON.stringify({ type: "ack", seq: frame.seq }));
    });
  });
  const port = (server.address() as AddressInfo).port;
  const ofType = (type: string) => frames.filter((f) => f.frame.type === type);
  return {
    url: `ws://127.0.0.1:${port}`,
    frames,
    events: () => ofType("events").flatMap((f) => f.frame.events as AuditEvent[]),
    statuses: () => ofType("status").map((f) => ({ at: f.at, status: f.frame as unknown as StatusMessage })),
    captured: () => ofType("capture").flatMap((f) => f.frame.calls as CapturedCall[]),
    send(frame) {
      for (const client of server.clients)
        if (client.readyState === WebSocket.OPEN) client.send(JSON.stringify(frame));
    },
    disconnect() {
      for (const client of server.clients) client.terminate();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` every 25 ms until it holds or `timeoutMs` passes (then throws naming `what`). */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
