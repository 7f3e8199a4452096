/**
 * @module The channel of one request: messages related to it (progress, logs, legacy server→client
 * requests) go here. The reply stays plain JSON unless such a message arrives before the result;
 * then it becomes an SSE stream (started lazily, on the first message) that ends with the result.
 * Legacy streams are resumable: every event is recorded, and the stream outlives its connection
 * until the result is written, so a client may reattach with `Last-Event-ID`.
 */
import type { ServerResponse } from "node:http";
import type { JsonRpcMessage, JsonRpcResponse, RequestChannel } from "@mcp-runtime/protocol";
import type { EventStore } from "./event-store.js";
import { type JsonReplies, writeStatus } from "./http-replies.js";
import type { Lifecycle } from "./lifecycle.js";
import { replyHeaders } from "./reply-status.js";
import { isOpen, startSse, writePriming, writeSseMessage } from "./sse.js";

/** What a reply stream needs of the app (the endpoint context has it). */
export interface ReplyContext {
  readonly lifecycle: Lifecycle;
  readonly replies: JsonReplies;
}

export interface Resumable {
  readonly events: EventStore;
  readonly sessionId: string;
  readonly streamId: string;
}

export class ReplyStream implements RequestChannel {
  /** the connection currently attached, if any */
  res: ServerResponse | undefined;
  done = false;
  /** see RequestChannel.callKey: set for legacy session calls in a cluster */
  callKey: string | undefined;
  /** see RequestChannel.redelivered: set when a survivor adopts a dead node's stream */
  redelivered = false;
  /**
   * Set for legacy calls in a cluster: records the call for adoption and, when `prime` is true,
   * starts the SSE reply with a priming event. Run once: before durable work, or (without
   * priming) when the first message streams; a call that needs neither never touches the store.
   */
  private resumable_: ((prime: boolean) => Promise<void>) | undefined;
  private sse = false;
  private readonly resumable: Resumable | undefined;
  private readonly lifecycle: Lifecycle;
  private readonly replies: JsonReplies;
  /** headers for the first response line (e.g. Mcp-Session-Id) */
  private readonly headers: Record<string, string> | undefined;

  constructor(
    res: ServerResponse | undefined,
    ctx: ReplyContext,
    resumable?: Resumable,
    headers?: Record<string, string>,
  ) {
    this.res = res;
    this.lifecycle = ctx.lifecycle;
    this.replies = ctx.replies;
    this.resumable = resumable;
    this.headers = headers;
  }

  get streaming(): boolean {
    return this.sse;
  }

  get streamId(): string | undefined {
    return this.resumable?.streamId;
  }

  /** Arms the once-only hook that makes this stream resumable on any node (see `resumable_`). */
  armResumable(hook: (prime: boolean) => Promise<void>): void {
    this.resumable_ = hook;
  }

  durable(): Promise<void> | undefined {
    const hook = this.resumable_;
    if (hook === undefined) return undefined;
    this.resumable_ = undefined;
    return hook(!this.sse);
  }

  send(message: JsonRpcMessage): void {
    if (this.done) return;
    if (this.resumable_ !== undefined) {
      // Streaming from here: its events carry ids to resume from; the call record makes it adoptable.
      const hook = this.resumable_;
      this.resumable_ = undefined;
      void hook(false);
    }
    const id = this.resumable?.events.append(this.resumable.sessionId, this.resumable.streamId, message);
    const res = this.res;
    if (res === undefined || !isOpen(res)) return;
    if (!this.sse) this.openSse(res);
    writeSseMessage(res, message, id);
  }

  /** Starts the SSE reply now (listen streams, GET streams) rather than on the first message. */
  openSse(res: ServerResponse): void {
    this.sse = true;
    if (!res.headersSent) startSse(res, this.headers);
    this.lifecycle.trackStream(res);
  }

  /**
   * Starts the SSE reply now with a priming event (an id and empty data, 2025-11-25): from here the
   * client can resume the stream with `Last-Event-ID`, on any node, whatever happens to this one.
   */
  prime(res: ServerResponse, eventId: string): void {
    this.openSse(res);
    writePriming(res, eventId);
  }

  /** Streams with no connection yet (a call adopted from a dead node): events are stored for resumers. */
  streamDetached(): void {
    this.sse = true;
  }

  /** Attaches a resumed connection whose SSE headers and replayed events were already written. */
  attach(res: ServerResponse): void {
    this.res = res;
    this.sse = true;
    this.lifecycle.trackStream(res);
  }

  /**
   * Ends the connection but not the stream (drain of a clustered node): the client resumes it on
   * another node, which gets the rest of its events from the cluster.
   */
  release(): void {
    const res = this.res;
    if (res === undefined || !this.sse) return;
    this.res = undefined;
    this.lifecycle.untrackStream(res);
    if (isOpen(res)) res.end();
  }

  detach(res: ServerResponse): void {
    if (this.res === res) this.res = undefined;
    this.lifecycle.untrackStream(res);
  }

  /**
   * Writes the final answer: one JSON body with `status` when nothing was streamed, else the last
   * SSE event (the stream already said 200, whatever the answer is).
   */
  finish(response: JsonRpcResponse | readonly JsonRpcResponse[] | undefined, status: number): void {
    if (this.done) return;
    this.done = true;
    const res = this.res;
    // A finished reply lets go of its connection at once. Whatever still holds the reply for a while
    // (the call's context, promise reactions) would otherwise hold the whole request (response,
    // request, parser state) with it: profiling showed V8 promoting every request's objects to the
    // old generation, 5x the scavenge time and a p99 of 17 ms instead of 4 ms.
    this.res = undefined;
    if (this.sse) {
      if (response !== undefined) {
        const messages = Array.isArray(response) ? response : [response as JsonRpcResponse];
        for (const message of messages) {
          const id = this.resumable?.events.append(
            this.resumable.sessionId,
            this.resumable.streamId,
            message,
          );
          if (res !== undefined && isOpen(res)) writeSseMessage(res, message, id);
        }
      }
      if (this.resumable !== undefined)
        this.resumable.events.end?.(this.resumable.sessionId, this.resumable.streamId);
      if (res !== undefined) {
        this.lifecycle.untrackStream(res);
        if (isOpen(res)) res.end();
      }
      return;
    }
    if (res === undefined || !isOpen(res)) return;
    if (response === undefined) writeStatus(res, 202, this.headers);
    else
      this.replies.json(res, status, JSON.stringify(response), replyHeaders(status, response, this.headers));
  }

  /** Ends an open stream without a result (shutdown, session end). */
  end(): void {
    this.done = true;
    const res = this.res;
    if (res === undefined) return;
    this.res = undefined;
    this.lifecycle.untrackStream(res);
    if (isOpen(res)) {
      if (res.headersSent) res.end();
      else writeStatus(res, 503, { connection: "close" });
    }
  }
}
