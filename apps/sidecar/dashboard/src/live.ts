/**
 * @module The `/live` WebSocket: a snapshot frame, then a delta a second. When the socket drops the
 * page waits (1 s, doubling to 30 s, with jitter so a restarted sidecar is not hit by every page at
 * once), checks the session with `GET /api/snapshot` (a 401 goes to the login page) and reconnects.
 */
import type { DashboardDelta, DashboardSnapshot, LiveFrame } from "../../src/dashboard/protocol.js";
import { fetchSnapshot } from "./api.js";

export type LiveState =
  | { state: "connecting" }
  | { state: "open" }
  | { state: "closed"; retryAt: number; reason: string };

export interface LiveHandlers {
  snapshot(snapshot: DashboardSnapshot): void;
  delta(delta: DashboardDelta): void;
  state(state: LiveState): void;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/** Starts the connection; the returned function stops it for good. */
export function connectLive(handlers: LiveHandlers): () => void {
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = FIRST_RETRY_MS;
  let stopped = false;

  const retry = (reason: string): void => {
    if (stopped) return;
    const wait = Math.round(delay * (0.75 + Math.random() * 0.5));
    delay = Math.min(delay * 2, MAX_RETRY_MS);
    handlers.state({ state: "closed", retryAt: Date.now() + wait, reason });
    timer = setTimeout(() => void start(), wait);
  };

  const open = (): void => {
    const url = new URL("/live", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url);
    socket = ws;
    ws.onmessage = (event: MessageEvent<string>) => {
      const frame = JSON.parse(event.data) as LiveFrame;
      if (frame.type === "snapshot") {
        delay = FIRST_RETRY_MS;
        handlers.state({ state: "open" });
        handlers.snapshot(frame.snapshot);
      } else if (frame.type === "delta") {
        handlers.delta(frame.delta);
      }
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = undefined;
      retry(event.reason || `connection closed (${event.code})`);
    };
  };

  const start = async (): Promise<void> => {
    handlers.state({ state: "connecting" });
    try {
      // The socket cannot tell a lost session from a lost network; the snapshot's 401 can.
      handlers.snapshot(await fetchSnapshot());
    } catch (error) {
      retry((error as Error).message);
      return;
    }
    if (!stopped) open();
  };

  void start();
  return () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close();
  };
}
