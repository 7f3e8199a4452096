/**
 * @module Per-connection admission (the `admit` option): each frame that carries a request is
 * admitted or refused before the session sees it. A synchronous limiter answers inline; while an
 * asynchronous answer is pending, later frames wait behind it, so `initialize` still comes before
 * `notifications/initialized` and a cancellation never overtakes its request.
 */
import {
  type Admit,
  askAdmission,
  type DecodedFrame,
  failure,
  isRequest,
  type JsonRpcFailure,
  MAX_ADMISSION_WAIT_MS,
  rateLimited,
} from "@mcp-runtime/protocol";
import type { WebSocketTransportEvent } from "./options.js";

function carriesRequest(frame: DecodedFrame): boolean {
  if (frame.kind === "message") return isRequest(frame.message);
  return frame.kind === "batch" && frame.messages.some(carriesRequest);
}

/** The answer to a refused frame: the error for its request, or for each request of a batch. */
export function refusalOf(
  frame: DecodedFrame,
  waitMs: number,
): JsonRpcFailure | JsonRpcFailure[] | undefined {
  const error = rateLimited("client", Math.min(waitMs, MAX_ADMISSION_WAIT_MS));
  const refuse = (part: DecodedFrame): JsonRpcFailure | undefined => {
    if (part.kind === "invalid") return part.error;
    if (part.kind === "message" && isRequest(part.message))
      return failure(part.message.id, error.code, error.message, error.data);
    return undefined;
  };
  if (frame.kind !== "batch") return refuse(frame);
  return frame.messages.map(refuse).filter((answer) => answer !== undefined);
}

export class AdmissionGate {
  /** frames that arrived while an asynchronous admission was pending, in order */
  private waiting: DecodedFrame[] | undefined;
  private closed = false;
  private readonly admit: Admit;
  private readonly clientKey: string;
  private readonly onEvent: (event: WebSocketTransportEvent) => void;
  private readonly serve: (frame: DecodedFrame) => void;
  private readonly refuse: (frame: DecodedFrame, waitMs: number) => void;

  constructor(init: {
    admit: Admit;
    clientKey: string;
    onEvent(event: WebSocketTransportEvent): void;
    serve(frame: DecodedFrame): void;
    refuse(frame: DecodedFrame, waitMs: number): void;
  }) {
    this.admit = init.admit;
    this.clientKey = init.clientKey;
    this.onEvent = init.onEvent;
    this.serve = init.serve;
    this.refuse = init.refuse;
  }

  /** Serves or refuses a frame, in arrival order. Notifications and responses are not counted. */
  accept(frame: DecodedFrame): void {
    if (this.closed) return;
    if (this.waiting !== undefined) {
      this.waiting.push(frame);
      return;
    }
    if (!carriesRequest(frame)) {
      this.serve(frame);
      return;
    }
    const waitMs = this.ask();
    if (typeof waitMs === "number") {
      this.decide(frame, waitMs);
      return;
    }
    this.waiting = [];
    waitMs.then((ms) => {
      this.decide(frame, ms);
      const queued = this.waiting ?? [];
      this.waiting = undefined;
      // One of these may start another asynchronous admission; the rest then queue behind it.
      for (const next of queued) this.accept(next);
    });
  }

  /** The connection closed: nothing waiting is served any more. */
  close(): void {
    this.closed = true;
    this.waiting = undefined;
  }

  /** The ms to wait; a limiter that throws or rejects admits (fail open) and is logged. */
  private ask(): number | Promise<number> {
    return askAdmission(this.admit, this.clientKey, this.failedOpen);
  }

  private readonly failedOpen = (cause: unknown): void => {
    this.onEvent({
      msg: "admission failed; request admitted",
      error: cause instanceof Error ? cause.message : String(cause),
    });
  };

  private decide(frame: DecodedFrame, waitMs: number): void {
    if (this.closed) return;
    if (waitMs > 0) this.refuse(frame, waitMs);
    else this.serve(frame);
  }
}
