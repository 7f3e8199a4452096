/**
 * @module The `/live` WebSocket clients: each gets its own snapshot on connect (it carries the
 * operator and their CSRF token), then one shared delta per `LIVE_INTERVAL_MS` while anything
 * changed, serialized once for all. One unref'd timer runs only while a client is connected. A
 * client that does not keep up (more than `MAX_BUFFERED` unsent) is closed; the page reconnects
 * and starts again from a snapshot.
 */
import type { Operator } from "@mcp-runtime/auth/operator-login";
import type { Logger } from "@mcp-runtime/telemetry";
import type { WebSocket } from "ws";
import type { SidecarMetrics } from "../metrics.js";
import { LIVE_INTERVAL_MS, type LiveFrame } from "./protocol.js";
import type { DashboardState } from "./state.js";

const MAX_BUFFERED = 1024 * 1024;

export class LiveClients {
  private readonly clients = new Set<WebSocket>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly state: DashboardState,
    private readonly metrics: SidecarMetrics,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  attach(socket: WebSocket, operator: Operator, csrfToken: string): void {
    // The first client after a quiet spell: the snapshot is the baseline, not old deltas.
    if (this.clients.size === 0) this.state.markSent();
    this.clients.add(socket);
    this.metrics.dashboardClients.set(this.clients.size);
    const shown =
      operator.name === undefined
        ? { subject: operator.subject }
        : { subject: operator.subject, name: operator.name };
    const frame: LiveFrame = { type: "snapshot", snapshot: this.state.snapshot(shown, csrfToken) };
    socket.send(JSON.stringify(frame));
    socket.on("close", () => {
      this.clients.delete(socket);
      this.metrics.dashboardClients.set(this.clients.size);
      if (this.clients.size === 0) this.stopTimer();
    });
    // The page only listens; anything it sends is ignored.
    socket.on("message", () => {});
    socket.on("error", () => {});
    this.timer ??= setInterval(() => this.tick(), LIVE_INTERVAL_MS).unref();
  }

  close(): void {
    this.stopTimer();
    for (const socket of this.clients) socket.close(1001, "sidecar stopping");
  }

  private tick(): void {
    const delta = this.state.delta();
    if (delta === undefined) return;
    const text = JSON.stringify({ type: "delta", delta } satisfies LiveFrame);
    for (const socket of this.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      if (socket.bufferedAmount > MAX_BUFFERED) {
        this.logger.warn({ msg: "dashboard client too slow, closed", buffered: socket.bufferedAmount });
        // Not close(): its frame would queue behind the backlog it is meant to end.
        socket.terminate();
        continue;
      }
      socket.send(text);
    }
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
