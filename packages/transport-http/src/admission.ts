/**
 * @module Per-client admission (the `admit` option): who a request counts against, asking the
 * limiter without a promise when it answers synchronously (an in-memory limiter on the hot path),
 * failing open when it breaks, and the 429 that a refusal gets.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type Admit,
  admissionKey,
  askAdmission,
  failure,
  MAX_ADMISSION_WAIT_MS,
  rateLimited,
} from "@mcp-runtime/protocol";
import type { EndpointContext } from "./context.js";
import type { JsonReplies } from "./http-replies.js";
import { retryAfter } from "./reply-status.js";

/** 429 with `Retry-After` and the JSON-RPC error `rateLimited("client", ms)` (id null). */
function refuse(replies: JsonReplies, res: ServerResponse, waitMs: number): void {
  const ms = Math.min(waitMs, MAX_ADMISSION_WAIT_MS);
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
  const key = admissionKey(
    subject,
    req.socket.remoteAddress,
    req.headers["x-forwarded-for"],
    options.trustProxyHops,
  );
  const waitMs = askAdmission(admit, key, options.admissionFailed);
  if (typeof waitMs === "number") return decide(ctx.replies, res, waitMs);
  return waitMs.then((ms) => decide(ctx.replies, res, ms));
}

function decide(replies: JsonReplies, res: ServerResponse, waitMs: number): boolean {
  if (!(waitMs > 0)) return true;
  refuse(replies, res, waitMs);
  return false;
}
