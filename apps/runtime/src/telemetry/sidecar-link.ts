/**
 * @module The runtime's connection to the sidecar: audit events are buffered in memory (bounded),
 * sent in batches off the request path, and kept until the sidecar acknowledges that it wrote them;
 * while the sidecar is away they wait (the oldest dropped past the bound, and counted), the link
 * reconnects with backoff and delivers them, in order, when it returns. Configs the sidecar pushes
 * are handed to `onConfig` and answered with its outcome; `run-evals` requests go to `onRunEvals`.
 * While connected it also sends a status frame every `STATUS_INTERVAL_MS` and the captured calls.
 */
import { randomUUID } from "node:crypto";
import {
  type AuditEvent,
  type ConfigPushMessage,
  type ConfigResultMessage,
  type RuntimeToSidecar,
  type SidecarToRuntime,
  STATUS_INTERVAL_MS,
  type StatusMessage,
} from "@mcp-runtime/telemetry";
import WebSocket from "ws";
import type { Logger } from "../logger.js";

export interface SidecarLinkOptions {
  url: string;
  version: string;
  /** most events held (buffered plus sent and not yet acknowledged) */
  maxBufferedEvents: number;
  logger: Logger;
  /** applies a pushed config; resolves with what to answer */
  onConfig(push: ConfigPushMessage): Promise<Omit<ConfigResultMessage, "type" | "version">>;
  /** events dropped because the buffer was full */
  onDropped?(count: number): void;
  /** sha256 of the config this runtime runs, told to the sidecar on every connect */
  configVersion?: () => string | undefined;
  /** bearer token the sidecar expects on the upgrade, if it has one (`MCP_SIDECAR_TOKEN`) */
  token?: string;
  /** the status frame: sent right after hello, then every STATUS_INTERVAL_MS while connected */
  status?: () => StatusMessage | Promise<StatusMessage>;
  /** the sidecar asks for an eval run (an operator on the dashboard); `actor` is who asked */
  onRunEvals?(actor: string): void;
  /** captured calls not sent: the buffer was full, or the sidecar was away */
  onCaptureDropped?(reason: "buffer_full" | "sidecar_away", count: number): void;
}

const BATCH_EVENTS = 1_000;
const FLUSH_DELAY_MS = 20;
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;
/** captured calls held between flushes; more are dropped (and counted) */
const MAX_CAPTURED = 2_000;
const CAPTURE_FLUSH_MS = 50;

export class SidecarLink {
  /** stable for this process: with batch numbers it lets the sidecar drop what it already wrote */
  readonly node = randomUUID();
  private readonly options: SidecarLinkOptions;
  /**
   * Events as JSON text, not objects: they wait tens of milliseconds (longer while the sidecar is
   * away), long enough to be promoted out of the young generation, and flat strings cost the GC
   * nothing to trace where objects would.
   */
  private buffer: string[] = [];
  /** sent, not acknowledged: resent in order after a reconnect */
  private readonly unacked: { seq: number; count: number; frame: string }[] = [];
  private unackedEvents = 0;
  private seq = 0;
  private socket: WebSocket | undefined;
  private open = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private backoffMs = BACKOFF_MIN_MS;
  private closed = false;
  private dropped = 0;
  private warnedDown = false;
  private ackWaiters: (() => void)[] = [];
  /** captured calls as JSON text, waiting for the next capture frame */
  private captured: string[] = [];
  private captureTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private statusBuilding = false;

  constructor(options: SidecarLinkOptions) {
    this.options = options;
  }

  get connected(): boolean {
    return this.open;
  }

  /** events held: waiting to be sent, or sent and not yet acknowledged */
  get bufferedEvents(): number {
    return this.buffer.length + this.unackedEvents;
  }

  get droppedEvents(): number {
    return this.dropped;
  }

  start(): void {
    this.connect();
  }

  /** Queues an event; never blocks and never throws. */
  push(event: AuditEvent): void {
    this.pushJson(JSON.stringify(event));
  }

  /** Queues an event already written as JSON text (the per-call `tool_call`, see audit-json.ts). */
  pushJson(event: string): void {
    if (this.closed) return;
    this.buffer.push(event);
    if (this.buffer.length + this.unackedEvents > this.options.maxBufferedEvents) this.dropOldest();
    if (this.open && this.flushTimer === undefined) {
      this.flushTimer = setTimeout(this.flush, this.buffer.length >= BATCH_EVENTS ? 0 : FLUSH_DELAY_MS);
    }
  }

  /**
   * Queues one captured call (a `CapturedCall` as JSON text: the capture module serializes it once,
   * to measure it). Capture is best-effort, unlike audit: never acknowledged, never resent, and
   * dropped (counted) while the sidecar is away or past MAX_CAPTURED waiting calls, so replay data
   * can never hold memory or delay the audit trail.
   */
  capture(record: string): void {
    if (this.closed) return;
    if (!this.open) {
      this.options.onCaptureDropped?.("sidecar_away", 1);
      return;
    }
    if (this.captured.length >= MAX_CAPTURED) {
      this.options.onCaptureDropped?.("buffer_full", 1);
      return;
    }
    this.captured.push(record);
    if (this.captureTimer === undefined) this.captureTimer = setTimeout(this.flushCaptured, CAPTURE_FLUSH_MS);
  }

  /** Resolves when everything pushed so far is acknowledged, or after `timeoutMs`; true if all was. */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.bufferedEvents > 0 && Date.now() < deadline) {
      if (this.open) this.flush();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(100, Math.max(1, deadline - Date.now())));
        this.ackWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.bufferedEvents === 0;
  }

  async close(timeoutMs = 2_000): Promise<void> {
    if (this.open) await this.settle(timeoutMs);
    this.flushCaptured();
    this.closed = true;
    clearTimeout(this.flushTimer);
    clearTimeout(this.reconnectTimer);
    this.stopLiveFrames();
    if (this.bufferedEvents > 0) {
      this.options.logger.warn({
        msg: "audit events not delivered to the sidecar",
        events: this.bufferedEvents,
      });
    }
    this.socket?.close(1001, "runtime stopping");
    this.socket?.terminate();
  }

  private dropOldest(): void {
    // Unacknowledged batches are kept: they may already be written, and resending keeps the order.
    const excess = this.buffer.length + this.unackedEvents - this.options.maxBufferedEvents;
    const count = Math.min(excess, this.buffer.length);
    if (count <= 0) return;
    this.buffer.splice(0, count);
    this.dropped += count;
    this.options.onDropped?.(count);
    if (this.dropped === count || this.dropped % 10_000 < count) {
      this.options.logger.warn({
        msg: "audit buffer full: oldest events dropped",
        dropped: this.dropped,
        limit: this.options.maxBufferedEvents,
      });
    }
  }

  private readonly flush = (): void => {
    this.flushTimer = undefined;
    const socket = this.socket;
    if (!this.open || socket === undefined) return;
    while (this.buffer.length > 0) {
      const events = this.buffer.length <= BATCH_EVENTS ? this.buffer : this.buffer.slice(0, BATCH_EVENTS);
      this.buffer = events === this.buffer ? [] : this.buffer.slice(BATCH_EVENTS);
      const seq = ++this.seq;
      // An EventBatchMessage, written from the events' JSON without parsing it again.
      const frame = `{"type":"events","seq":${seq},"events":[${events.join(",")}]}`;
      this.unacked.push({ seq, count: events.length, frame });
      this.unackedEvents += events.length;
      this.socket?.send(frame);
    }
  };

  private readonly flushCaptured = (): void => {
    clearTimeout(this.captureTimer);
    this.captureTimer = undefined;
    if (!this.open || this.captured.length === 0) return;
    const records = this.captured;
    this.captured = [];
    // A CaptureMessage, written from the records' JSON without parsing it again.
    this.socket?.send(`{"type":"capture","calls":[${records.join(",")}]}`);
  };

  private readonly sendStatus = (): void => {
    const build = this.options.status;
    // A frame still being built (a slow queue backend) makes this tick a skip, not a pile-up.
    if (build === undefined || this.statusBuilding || !this.open) return;
    this.statusBuilding = true;
    Promise.resolve()
      .then(build)
      .then(
        (status) => {
          if (this.open) this.send(status);
        },
        (cause: unknown) =>
          this.options.logger.debug({ msg: "status frame not built", error: String(cause) }),
      )
      .finally(() => {
        this.statusBuilding = false;
      });
  };

  private startLiveFrames(): void {
    if (this.options.status === undefined) return;
    this.sendStatus();
    this.statusTimer = setInterval(this.sendStatus, STATUS_INTERVAL_MS);
    this.statusTimer.unref();
  }

  /** The sidecar is gone: status frames stop and waiting captures go (they are never resent). */
  private stopLiveFrames(): void {
    clearInterval(this.statusTimer);
    this.statusTimer = undefined;
    clearTimeout(this.captureTimer);
    this.captureTimer = undefined;
    if (this.captured.length > 0) this.options.onCaptureDropped?.("sidecar_away", this.captured.length);
    this.captured = [];
  }

  private send(message: RuntimeToSidecar): void {
    this.socket?.send(JSON.stringify(message));
  }

  private connect(): void {
    if (this.closed) return;
    const headers: Record<string, string> = {};
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    const socket = new WebSocket(this.options.url, { headers, handshakeTimeout: 5_000 });
    this.socket = socket;
    socket.on("open", () => {
      this.open = true;
      this.backoffMs = BACKOFF_MIN_MS;
      if (this.warnedDown)
        this.options.logger.info({ msg: "sidecar connected again", url: this.options.url });
      this.warnedDown = false;
      const configVersion = this.options.configVersion?.();
      this.send({
        type: "hello",
        node: this.node,
        pid: process.pid,
        version: this.options.version,
        ...(configVersion === undefined ? {} : { configVersion }),
      });
      // Whatever was sent before the break goes again, first, in its original batches.
      for (const batch of this.unacked) this.socket?.send(batch.frame);
      this.flush();
      this.startLiveFrames();
    });
    socket.on("message", (data) => this.received(String(data)));
    socket.on("error", () => {
      // "close" follows; the reason is logged there once.
    });
    socket.on("close", () => {
      const wasOpen = this.open;
      this.open = false;
      this.stopLiveFrames();
      if (this.socket === socket) this.socket = undefined;
      if (this.closed) return;
      if (wasOpen || !this.warnedDown) {
        this.options.logger.warn({
          msg: "sidecar unreachable; audit events are buffered",
          url: this.options.url,
          buffered: this.bufferedEvents,
        });
        this.warnedDown = true;
      }
      this.reconnectTimer = setTimeout(() => this.connect(), this.backoffMs * (0.5 + Math.random() / 2));
      this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
    });
  }

  private received(text: string): void {
    let message: SidecarToRuntime;
    try {
      message = JSON.parse(text) as SidecarToRuntime;
    } catch {
      this.options.logger.warn({ msg: "sidecar sent a frame that is not JSON" });
      return;
    }
    if (message.type === "ack") this.acknowledged(message.seq);
    else if (message.type === "config") void this.applyConfig(message);
    else if (message.type === "run-evals") this.runEvals(message.actor);
  }

  private acknowledged(seq: number): void {
    while (this.unacked.length > 0 && (this.unacked[0]?.seq ?? Number.POSITIVE_INFINITY) <= seq) {
      const batch = this.unacked.shift();
      this.unackedEvents -= batch?.count ?? 0;
    }
    const waiters = this.ackWaiters;
    this.ackWaiters = [];
    for (const wake of waiters) wake();
  }

  private runEvals(actor: unknown): void {
    if (typeof actor !== "string" || actor === "") {
      this.options.logger.warn({ msg: "sidecar sent run-evals without an actor; ignored" });
      return;
    }
    this.options.onRunEvals?.(actor);
  }

  private async applyConfig(push: ConfigPushMessage): Promise<void> {
    let outcome: Omit<ConfigResultMessage, "type" | "version">;
    try {
      outcome = await this.options.onConfig(push);
    } catch (cause) {
      outcome = { ok: false, reason: cause instanceof Error ? cause.message : String(cause) };
    }
    if (this.open) this.send({ type: "config-result", version: push.version, ...outcome });
  }
}
