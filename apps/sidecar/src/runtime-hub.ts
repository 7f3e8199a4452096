/**
 * @module The runtimes connected to this sidecar: each sends a hello, then batches of audit
 * events that are written to the audit log and acknowledged once durable (so a runtime can drop
 * them); batches it resends after a lost ack are acknowledged again without being written twice.
 * Validated configs are pushed to every runtime; each runtime audits its own outcome. Status frames
 * (the dashboard's runtime view) keep the latest per connection; captured calls go to the capture
 * store, never to the audit log; an operator's "run evals" goes to every runtime.
 */
import type { IncomingMessage } from "node:http";
import type {
  AuditEvent,
  ConfigPushMessage,
  Logger,
  RuntimeToSidecar,
  SidecarToRuntime,
  StatusMessage,
} from "@mcp-runtime/telemetry";
import type { WebSocket } from "ws";
import { type AuditLog, encodeStampedMembers } from "./audit/index.js";
import type { CaptureWriter } from "./capture/types.js";
import { captureProblem, statusProblem } from "./frame-checks.js";
import type { SidecarMetrics } from "./metrics.js";

const EVENT_TYPES = new Set(["tool_call", "auth_failure", "config_change", "admin_action", "eval_result"]);

interface Connection {
  socket: WebSocket;
  node: string | undefined;
  remote: string;
  connectedAt: number;
  status: StatusMessage | undefined;
  /** epoch ms the latest status frame arrived (the sidecar's clock, for staleness) */
  statusAt: number;
  /** acks go out in batch order: each write waits for the one before */
  writing: Promise<void>;
}

/** A runtime that said hello, as the dashboard lists it. */
export interface RuntimeInfo {
  node: string;
  remote: string;
  connectedAt: number;
  status: StatusMessage | undefined;
  statusAt: number;
}

/** What the dashboard's state wants to hear about runtimes beyond their audit events. */
export interface RuntimeObserver {
  status(node: string, status: StatusMessage): void;
  /** the last connection of `node` closed */
  left(node: string): void;
}

export interface RuntimeHubOptions {
  audit: AuditLog;
  logger: Logger;
  metrics: SidecarMetrics;
  /** the config to push to a runtime whose hello names another version */
  currentConfig(): ConfigPushMessage | undefined;
  /** where captured calls go; without it they are counted and dropped */
  capture?: CaptureWriter;
  observer?: RuntimeObserver;
}

export class RuntimeHub {
  private readonly options: RuntimeHubOptions;
  private readonly connections = new Set<Connection>();
  /** bumped when a runtime comes, goes or reports its status */
  version = 0;

  constructor(options: RuntimeHubOptions) {
    this.options = options;
  }

  get size(): number {
    return this.connections.size;
  }

  attach(socket: WebSocket, request: IncomingMessage): void {
    const connection: Connection = {
      socket,
      node: undefined,
      remote: request.socket.remoteAddress ?? "unknown",
      connectedAt: Date.now(),
      status: undefined,
      statusAt: 0,
      writing: Promise.resolve(),
    };
    this.connections.add(connection);
    this.options.metrics.runtimesConnected.set(this.connections.size);
    socket.on("message", (data) => {
      try {
        this.received(connection, String(data));
      } catch (cause) {
        // The audit log refused the write (closed, or its disk failed): this runtime must not
        // believe anything was recorded, so its connection ends and its buffer keeps the events.
        this.options.logger.error({
          msg: "runtime frame failed",
          node: connection.node,
          error: String(cause),
        });
        connection.socket.close(1011, "audit write failed");
      }
    });
    socket.on("close", () => {
      this.connections.delete(connection);
      this.options.metrics.runtimesConnected.set(this.connections.size);
      const { node } = connection;
      if (node !== undefined) {
        this.version++;
        if (![...this.connections].some((other) => other.node === node)) this.options.observer?.left(node);
      }
      this.options.logger.info({
        msg: "runtime disconnected",
        node: connection.node,
        remote: connection.remote,
      });
    });
    socket.on("error", () => {});
  }

  /** Sends a validated config to every runtime that said hello. */
  broadcast(push: ConfigPushMessage): number {
    let sent = 0;
    for (const connection of this.connections) {
      if (connection.node === undefined) continue;
      this.send(connection, push);
      sent++;
    }
    this.options.metrics.configPushes.inc(sent);
    return sent;
  }

  /** Asks every runtime to run its evals now; returns how many were asked. */
  runEvals(actor: string): number {
    let sent = 0;
    for (const connection of this.connections) {
      if (connection.node === undefined) continue;
      this.send(connection, { type: "run-evals", actor });
      sent++;
    }
    return sent;
  }

  /** The runtimes that said hello, oldest connection first. */
  runtimes(): RuntimeInfo[] {
    const out: RuntimeInfo[] = [];
    for (const { node, remote, connectedAt, status, statusAt } of this.connections) {
      if (node !== undefined) out.push({ node, remote, connectedAt, status, statusAt });
    }
    return out;
  }

  close(): void {
    for (const connection of this.connections) connection.socket.close(1001, "sidecar stopping");
  }

  private received(connection: Connection, text: string): void {
    let message: RuntimeToSidecar;
    try {
      message = JSON.parse(text) as RuntimeToSidecar;
    } catch {
      this.refuse(connection, "frame is not JSON");
      return;
    }
    if (typeof message !== "object" || message === null) {
      this.refuse(connection, "frame is not an object");
      return;
    }
    if (message.type === "hello") {
      this.hello(connection, message);
      return;
    }
    if (connection.node === undefined) {
      this.refuse(connection, "hello expected first");
      return;
    }
    if (message.type === "events") {
      if (!Number.isSafeInteger(message.seq) || !Array.isArray(message.events)) {
        this.refuse(connection, "events frame needs an integer seq and an events array");
        return;
      }
      connection.writing = connection.writing
        .then(() => this.write(connection, message.seq, message.events))
        .catch((cause: unknown) => {
          this.options.logger.error({
            msg: "audit write failed",
            node: connection.node,
            error: String(cause),
          });
          connection.socket.close(1011, "audit write failed");
        });
      return;
    }
    if (message.type === "config-result") {
      const node = connection.node;
      this.options.metrics.configResults.inc({ outcome: message.ok ? "applied" : "refused" });
      this.options.logger[message.ok ? "info" : "warn"]({
        msg: message.ok ? "runtime applied config" : "runtime refused config",
        node,
        version: message.version,
        reason: message.reason,
      });
      // No audit record here: the runtime audits its own outcome (with its node id) through its
      // event stream, so each applied or refused push is recorded once.
      return;
    }
    if (message.type === "status") {
      const problem = statusProblem(message as unknown as Record<string, unknown>);
      if (problem !== undefined) {
        this.refuse(connection, problem);
        return;
      }
      connection.status = message;
      connection.statusAt = Date.now();
      this.version++;
      this.options.metrics.statusFrames.inc();
      this.options.observer?.status(connection.node, message);
      return;
    }
    if (message.type === "capture") {
      const problem = captureProblem(message as unknown as Record<string, unknown>);
      if (problem !== undefined) {
        this.refuse(connection, problem);
        return;
      }
      this.options.metrics.capturedCalls.inc(message.calls.length);
      this.options.capture?.append(connection.node, message.calls);
      return;
    }
    this.refuse(connection, "unknown frame type");
  }

  private hello(connection: Connection, message: Extract<RuntimeToSidecar, { type: "hello" }>): void {
    if (typeof message.node !== "string" || message.node.length === 0 || message.node.length > 128) {
      this.refuse(connection, "hello needs a node id");
      return;
    }
    connection.node = message.node;
    this.version++;
    this.options.logger.info({
      msg: "runtime connected",
      node: message.node,
      pid: message.pid,
      version: message.version,
      remote: connection.remote,
    });
    const current = this.options.currentConfig();
    if (current !== undefined && message.configVersion !== current.version) this.send(connection, current);
  }

  private async write(connection: Connection, seq: number, events: unknown[]): Promise<void> {
    const node = connection.node as string; // set by hello, which every other frame waits for
    const audit = this.options.audit;
    const last = audit.lastSourceSeq(node);
    // A resend of the newest batch may find it in the log only in part (a write failed halfway,
    // e.g. on a full disk, and the sidecar restarted): its first `skip` accepted events are there.
    // Which events a batch has accepted is deterministic, so counting them again lines up.
    const skip = seq === last ? audit.lastSourceCount(node) : 0;
    if (seq < last || skip >= events.length) {
      // A resend after a lost ack: appended already. Acknowledged once durable, like the first
      // time: if the log failed before writing it, the runtime must keep it.
      if (!(await this.durable(connection))) return;
      this.options.metrics.duplicateBatches.inc();
      this.send(connection, { type: "ack", seq });
      return;
    }
    let accepted = 0;
    let seen = 0;
    // One source for the whole batch: the log checks and serialises it once.
    const source = { node, seq };
    for (const event of events) {
      if (!isAuditEvent(event)) {
        this.options.metrics.eventsRejected.inc();
        continue;
      }
      try {
        if (seen < skip) {
          // Checked as it was the first time (so the count lines up), already in the log.
          encodeStampedMembers(event, node);
          seen++;
          continue;
        }
        // The record of `{ ...event, node }`, without the copy (per event, it cost more than encoding).
        audit.appendStamped(event, source);
        accepted++;
      } catch (cause) {
        // A field the log reserves (seq, prev, hash, ...) or a value JSON cannot hold: refused, counted.
        this.options.metrics.eventsRejected.inc();
        this.options.logger.warn({ msg: "audit event refused", node, error: String(cause) });
      }
    }
    if (!(await this.durable(connection))) return;
    this.options.metrics.eventsReceived.inc(accepted);
    this.send(connection, { type: "ack", seq });
  }

  /** Waits until everything appended is written; on a failed write, ends the link (nothing acked). */
  private async durable(connection: Connection): Promise<boolean> {
    try {
      await this.options.audit.flush();
      return true;
    } catch (cause) {
      this.options.logger.error({ msg: "audit write failed", error: String(cause) });
      connection.socket.close(1011, "audit write failed");
      return false;
    }
  }

  private send(connection: Connection, message: SidecarToRuntime): void {
    if (connection.socket.readyState === connection.socket.OPEN)
      connection.socket.send(JSON.stringify(message));
  }

  private refuse(connection: Connection, reason: string): void {
    this.options.logger.warn({ msg: "runtime frame refused", reason, remote: connection.remote });
    connection.socket.close(1008, reason);
  }
}

function isAuditEvent(value: unknown): value is AuditEvent {
  if (typeof value !== "object" || value === null) return false;
  const { type, ts } = value as { type?: unknown; ts?: unknown };
  return typeof type === "string" && EVENT_TYPES.has(type) && typeof ts === "number";
}
