/**
 * @module The channel of one 2026-07-28 request served by the fetch handler, and the `Response` it
 * becomes. As in the express transport (reply-stream.ts), the reply stays plain JSON unless a
 * message related to the request (progress, a log) arrives before the result; then it becomes an
 * SSE stream that ends with the result. The object is its own stream source and abort listener,
 * so a request costs no closures beyond the one that settles its `Response`.
 */
import type {
  JsonRpcId,
  JsonRpcMessage,
  JsonRpcResponse,
  RequestChannel,
  ServerSession,
} from "@mcp-runtime/protocol";
import { replyHeaders } from "./reply-status.js";

const UTF8 = new TextEncoder();

/** The same headers the express transport's SSE replies carry (sse.ts). */
const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

export const JSON_HEADERS: Readonly<Record<string, string>> = { "content-type": "application/json" };

/** A JSON body with `status` (and any extra headers, such as `Retry-After`). */
export function jsonResponse(status: number, body: string, extra?: Record<string, string>): Response {
  return new Response(body, {
    status,
    headers: extra === undefined ? JSON_HEADERS : { ...JSON_HEADERS, ...extra },
  });
}

export class FetchReply implements RequestChannel {
  /** Settles once: with the JSON answer, or with the SSE stream when a message comes first. */
  readonly response: Promise<Response>;
  callKey: string | undefined;
  done = false;
  private settle: (response: Response) => void = noop;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private readonly session: ServerSession;
  private readonly requestId: JsonRpcId;
  private readonly signal: AbortSignal;

  constructor(session: ServerSession, requestId: JsonRpcId, signal: AbortSignal) {
    this.session = session;
    this.requestId = requestId;
    this.signal = signal;
    // The one closure per request: a promise settled from elsewhere (Promise.withResolvers is Node 22+).
    this.response = new Promise<Response>((resolve) => {
      this.settle = resolve;
    });
    // A 2026-07-28 client cancels a request by going away (spec §5.1); `handleEvent` hears it.
    signal.addEventListener("abort", this);
  }

  send(message: JsonRpcMessage): void {
    if (this.done) return;
    if (this.controller === undefined) {
      // `start` runs inside the constructor, so the controller is set when it returns.
      const stream = new ReadableStream<Uint8Array>(this);
      this.settle(new Response(stream, { status: 200, headers: SSE_HEADERS }));
    }
    this.controller?.enqueue(UTF8.encode(`event: message\ndata: ${JSON.stringify(message)}\n\n`));
  }

  /** UnderlyingSource: the SSE stream starts. */
  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.controller = controller;
  }

  /** UnderlyingSource: the client stopped reading the SSE stream. */
  cancel(): void {
    this.abandon("client closed the stream");
  }

  /** EventListener: the request's signal aborted (the client went away before the answer). */
  handleEvent(): void {
    this.abandon("client closed the connection");
  }

  /**
   * Writes the final answer: a JSON body with `status` when nothing was streamed (202 without a
   * body for none), else the last SSE event (the stream already said 200, whatever the answer is).
   */
  finish(response: JsonRpcResponse | undefined, status: number): void {
    if (this.done) return;
    this.done = true;
    this.signal.removeEventListener("abort", this);
    const controller = this.controller;
    if (controller !== undefined) {
      this.controller = undefined;
      if (response !== undefined)
        controller.enqueue(UTF8.encode(`event: message\ndata: ${JSON.stringify(response)}\n\n`));
      controller.close();
      return;
    }
    if (response === undefined) this.settle(new Response(null, { status: 202 }));
    else
      this.settle(jsonResponse(status, JSON.stringify(response), replyHeaders(status, response, undefined)));
  }

  private abandon(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.controller = undefined;
    this.signal.removeEventListener("abort", this);
    // Nobody reads the answer any more, but the handler's promise must still settle (no-op once the
    // SSE stream was handed out); an empty 204 is the cheapest Response.
    this.settle(new Response(null, { status: 204 }));
    this.session.cancel(this.requestId, reason);
  }
}

function noop(): void {}
