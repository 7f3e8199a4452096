/**
 * @module Per-client admission (the `admit` option): who a request counts against, asking the
 * limiter without a promise when it answers synchronously (an in-memory limiter on the hot path),
 * failing open when it breaks, and the 429 that a refusal gets.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { failure, rateLimited } from "@mcp-runtime/protocol";
import type { EndpointContext } from "./context.js";
import { type JsonReplies, retryAfter } from "./http-replies.js";
import type { TransportEvent } from "./options.js";

type Admit = (clientKey: string) => number | Promise<number>;

/** A wait longer than a day is a limiter bug or "never"; a day keeps `Retry-After` meaningful. */
const MAX_WAIT_MS = 86_400_000;

function socketAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress;
  if (address === undefined) return "unknown";
  // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; one client, one key.
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/**
 * The client address: the socket's, or with `trustProxyHops` proxies in front, the X-Forwarded-For
 * entry that many hops from the right (entries further left are whatever the client claimed).
 * Fewer entries than hops: the leftmost one, as far back as the chain goes.
 */
export function clientAddress(req: IncomingMessage, trustProxyHops: number): string {
  const forwarded = trustProxyHops === 0 ? undefined : req.headers["x-forwarded-for"];
  if (typeof forwarded !== "string") return socketAddress(req);
  let end = forwarded.length;
  for (let hop = 1; ; hop++) {
    const comma = forwarded.lastIndexOf(",", end - 1);
    if (hop === trustProxyHops || comma === -1) {
      const entry = forwarded.slice(comma + 1, end).trim();
      return entry === "" ? socketAddress(req) : entry;
    }
    end = comma;
  }
}

/** `sub:<subject>` for an authenticated caller, else `ip:<address>`. */
function clientKey(req: IncomingMessage, subject: string | undefined, trustProxyHops: number): string {
  return subject === undefined ? `ip:${clientAddress(req, trustProxyHops)}` : `sub:${subject}`;
}

function failOpen(onEvent: (event: TransportEvent) => void, cause: unknown): number {
  onEvent({
    msg: "admission failed; request admitted",
    error: cause instanceof Error ? cause.message : String(cause),
  });
  return 0;
}

/**
 * The ms to wait (0: admitted). A synchronous answer stays synchronous: no promise, no microtask.
 * A limiter that throws or rejects admits the request (fail open) and logs why.
 */
function askAdmission(
  admit: Admit,
  key: string,
  onEvent: (event: TransportEvent) => void,
): number | Promise<number> {
  let answer: number | Promise<number>;
  try {
    answer = admit(key);
  } catch (cause) {
    return failOpen(onEvent, cause);
  }
  if (typeof answer === "number") return answer;
  return Promise.resolve(answer).catch((cause: unknown) => failOpen(onEvent, cause));
}

/** 429 with `Retry-After` and the JSON-RPC error `rateLimited("client", ms)` (id null). */
function refuse(replies: JsonReplies, res: ServerResponse, waitMs: number): void {
  const ms = Math.min(waitMs, MAX_WAIT_MS);
  const error = rateLimited("client", ms);
  replies.json(res, 429, JSON.stringify(failure(null, error.code, error.message, error.data)), {
    "retry-after": retryAfter(ms / 1000),
  });
}

/**
 * Asks `admit` about this request (keyed by `subject`, else the client address); true when admitted,
 * false when refused (the 429 is written). Synchronous when the limiter is.
 */
export function admitRequest(
  admit: Admit,
  ctx: Pick<EndpointContext, "options" | "replies">,
  req: IncomingMessage,
  res: ServerResponse,
  subject: string | undefined,
): boolean | Promise<boolean> {
  const { options } = ctx;
  const waitMs = askAdmission(admit, clientKey(req, subject, options.trustProxyHops), options.onEvent);
  if (typeof waitMs === "number") return decide(ctx.replies, res, waitMs);
  return waitMs.then((ms) => decide(ctx.replies, res, ms));
}

function decide(replies: JsonReplies, res: ServerResponse, waitMs: number): boolean {
  if (!(waitMs > 0)) return true;
  refuse(replies, res, waitMs);
  return false;
}
