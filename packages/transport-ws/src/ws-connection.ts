/**
 * @module One WebSocket connection = one `ServerSession`. One text frame carries one JSON-RPC
 * message or batch, in both directions. Frames produced in the same event-loop turn are written
 * under one cork of the socket, so a pipelining client costs one `writev`, not one per frame;
 * frames are never merged, because a merged array would read as a batch response.
 */
import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import {
  type DecodedFrame,
  decodeFrame,
  ErrorCode,
  failure,
  ID_PROBE_BYTES,
  type JsonRpcMessage,
  type JsonRpcResponse,
  type McpServer,
  oversizeMessageId,
  type ServerSession,
  type SessionOptions,
} from "@mcp-runtime/protocol";
import { type RawData, WebSocket } from "ws";
import { AdmissionGate, refusalOf } from "./admission-gate.js";
import type { WebSocketTransportEvent } from "./options.js";

/** Close codes of RFC 6455 §7.4.1 that this transport sends. */
export const CloseCode = {
  GoingAway: 1001,
  UnsupportedData: 1003,
  MessageTooBig: 1009,
} as const;

function bufferOf(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

/** The close reason for a frame past the hard ceiling (at most 123 bytes, RFC 6455 §5.5). */
function ceilingReason(maxMessageBytes: number): string {
  return `message over the ${maxMessageBytes}-byte limit (server.maxMessageBytes)`;
}

export class WebSocketConnection {
  readonly session: ServerSession;
  /** Cleared at each keep-alive ping, set again by the pong (or any frame). */
  alive = true;
  private readonly ws: WebSocket;
  private readonly socket: Duplex;
  private readonly onEvent: (event: WebSocketTransportEvent) => void;
  private readonly maxMessageBytes: number;
  private pending: string[] = [];
  private scheduled = false;
  /** per-client admission, when the `admit` option is set */
  private readonly gate: AdmissionGate | undefined;

  constructor(init: {
    ws: WebSocket;
    socket: Duplex;
    server: McpServer;
    /** who the authenticate hook said is connecting, and the tools they may use */
    session: SessionOptions;
    /** larger messages get a JSON-RPC error; ws's own `maxPayload` is the hard ceiling above it */
    maxMessageBytes: number;
    /** the `admit` option and the key this connection's requests count against */
    admission?: { admit(clientKey: string): number | Promise<number>; clientKey: string } | undefined;
    onEvent(event: WebSocketTransportEvent): void;
    onClosed(connection: WebSocketConnection): void;
  }) {
    this.ws = init.ws;
    this.socket = init.socket;
    this.onEvent = init.onEvent;
    this.maxMessageBytes = init.maxMessageBytes;
    const channel = { send: (message: JsonRpcMessage) => this.push(message) };
    // A connection is a session: its id keys per-session state elsewhere (an upstream's own session).
    this.session = init.server.createSession(channel, { ...init.session, id: randomUUID() });
    this.gate =
      init.admission === undefined
        ? undefined
        : new AdmissionGate({
            ...init.admission,
            onEvent: init.onEvent,
            serve: this.serve,
            refuse: (frame, waitMs) => {
              const refusal = refusalOf(frame, waitMs);
              if (refusal !== undefined) this.push(refusal);
            },
          });
    this.ws.on("message", (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    this.nameCeilingOnClose();
    this.ws.on("pong", () => {
      this.alive = true;
    });
    // Without a listener an 'error' would crash the process; ws closes the socket itself after it.
    this.ws.on("error", (error: Error & { code?: string }) => {
      if (error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
        this.onEvent({ msg: "oversize message refused", error: error.message });
      } else this.onEvent({ msg: "websocket error", code: error.code, error: error.message });
    });
    this.ws.on("close", () => {
      this.pending = [];
      this.gate?.close();
      // Cancels in-flight calls: nobody is left to read their results.
      this.session.close("client closed the connection");
      init.onClosed(this);
    });
  }

  /** Writes what is queued, closes with 1001 and cancels the session's work. */
  shutdown(reason: string): void {
    this.flush();
    this.ws.close(CloseCode.GoingAway, reason);
    this.session.close(reason);
  }

  /** Drops the connection without a closing handshake (a peer that does not answer the close). */
  terminate(): void {
    this.ws.terminate();
  }

  /** Keep-alive round: false when the peer never answered the previous ping (it was terminated). */
  ping(): boolean {
    if (!this.alive) {
      this.onEvent({ msg: "terminating unresponsive peer" });
      this.ws.terminate();
      return false;
    }
    this.alive = false;
    this.ws.ping();
    return true;
  }

  /**
   * ws refuses a frame past `maxPayload` by closing with 1009 and no reason, before its 'error'
   * event. A listener put ahead of its own on the receiver closes first, with a reason naming the
   * limit. `_receiver` is private to ws (8.x); without it the close is still 1009, only reasonless.
   */
  private nameCeilingOnClose(): void {
    const receiver = (this.ws as unknown as { _receiver?: Partial<NodeJS.EventEmitter> })._receiver;
    if (typeof receiver?.prependListener !== "function") return;
    receiver.prependListener("error", (error: Error & { code?: string }) => {
      if (error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" && this.ws.readyState === WebSocket.OPEN) {
        this.ws.close(CloseCode.MessageTooBig, ceilingReason(this.maxMessageBytes));
      }
    });
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.alive = true;
    if (isBinary) {
      this.ws.close(CloseCode.UnsupportedData, "MCP messages are text frames");
      return;
    }
    const bytes = bufferOf(data);
    if (bytes.length > this.maxMessageBytes) {
      this.refuseOversize(bytes);
      return;
    }
    const frame = decodeFrame(bytes.toString("utf8"));
    if (this.gate === undefined) this.serve(frame);
    else this.gate.accept(frame);
  }

  /** Over the limit but under the ceiling: a JSON-RPC error naming the limit; the connection stays. */
  private refuseOversize(bytes: Buffer): void {
    const head = bytes.toString("utf8", 0, ID_PROBE_BYTES);
    const tail = bytes.toString("utf8", Math.max(0, bytes.length - ID_PROBE_BYTES));
    const id = oversizeMessageId(head, tail);
    const limit = this.maxMessageBytes;
    this.onEvent({ msg: "oversize message refused", bytes: bytes.length, id, limit });
    this.push(
      failure(
        id,
        ErrorCode.InvalidRequest,
        `Invalid Request: message of ${bytes.length} bytes is larger than the ${limit}-byte limit (server.maxMessageBytes)`,
        { limit, configKey: "server.maxMessageBytes" },
      ),
    );
  }

  private readonly serve = (frame: DecodedFrame): void => {
    if (frame.kind === "invalid") {
      this.push(frame.error);
      return;
    }
    this.session.handleFrame(frame).then(
      (response) => {
        if (response !== undefined) this.push(response);
      },
      (cause: unknown) => {
        // handleFrame converts failures itself; this is a last line of defence, never a crash.
        this.onEvent({ msg: "unhandled failure in session", error: String(cause) });
        this.push(failure(null, ErrorCode.InternalError, "Internal error"));
      },
    );
  };

  private push(message: JsonRpcMessage | readonly JsonRpcResponse[]): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.pending.push(JSON.stringify(message));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const frames = this.pending;
    if (frames.length === 0 || this.ws.readyState !== WebSocket.OPEN) return;
    this.pending = [];
    this.socket.cork();
    for (const text of frames) this.ws.send(text);
    this.socket.uncork();
  };
}
