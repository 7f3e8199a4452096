/**
 * @module The 2024-11-05 HTTP+SSE transport: `GET /sse` opens a session whose first event names
 * the POST endpoint (`/messages?sessionId=...`); every POST there is accepted with 202 and its
 * answer travels on the SSE stream. The session lives exactly as long as that stream.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type DecodedFrame, decodeFrame, type JsonRpcResponse } from "@mcp-runtime/protocol";
import { storeFailed } from "./cluster-sessions.js";
import type { EndpointContext } from "./context.js";
import { writeStatus } from "./http-replies.js";
import { LegacySession } from "./legacy-session.js";
import { readBoundedBody, refuseBody } from "./oversize-body.js";
import { startSse } from "./sse.js";
import { refuseToolCalls } from "./tool-grant.js";
import { SESSION_NOT_FOUND, TRANSPORT_ERROR } from "./transport-constants.js";
import type { ToolGrant } from "./transport-types.js";

export async function handleSseOpen(
  ctx: EndpointContext,
  res: ServerResponse,
  subject: string | undefined,
  grant?: ToolGrant,
): Promise<void> {
  const record = new LegacySession({
    id: randomUUID(),
    subject,
    grant,
    kind: "sse",
    server: ctx.server,
    replyContext: ctx,
    events: undefined,
    link: ctx.cluster,
  });
  if (!ctx.sessions.add(record)) {
    record.close("too many sessions");
    ctx.replies.error(res, 503, TRANSPORT_ERROR, "Too many sessions; retry later", null, {
      "retry-after": "5",
    });
    return;
  }
  const cluster = ctx.cluster;
  if (cluster !== undefined) {
    // In a cluster, POSTs to /messages may reach any node: the session is shared before it is named.
    try {
      await cluster.createdUninitialized(record);
    } catch (cause) {
      ctx.sessions.delete(record.id);
      record.close("session store unavailable");
      storeFailed(ctx, res, cause);
      return;
    }
  }
  startSse(res);
  res.write(`event: endpoint\ndata: ${ctx.options.messagesPath}?sessionId=${record.id}\n\n`);
  record.standalone.attach(res);
  // Never idle-evicted while the stream is open: the stream is the session.
  record.busy++;
  const stream = {
    end: () => {
      ctx.sessions.delete(record.id);
      record.close("server shutting down");
    },
  };
  ctx.lifecycle.addLongStream(stream);
  res.once("close", () => {
    ctx.lifecycle.removeLongStream(stream);
    ctx.sessions.delete(record.id);
    record.close("client closed the SSE stream");
    // The stream is the session: it ends on every node (a drain leaves the cluster instead).
    if (cluster !== undefined && !ctx.lifecycle.draining)
      cluster.remove(record).catch((cause: unknown) => storeFailed(ctx, undefined, cause));
  });
}

export async function handleSseMessage(
  ctx: EndpointContext,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
  subject: string | undefined,
  grant?: ToolGrant,
): Promise<void> {
  const sessionId = new URLSearchParams(query).get("sessionId");
  let record = sessionId === null ? undefined : ctx.sessions.get(sessionId);
  if (record === undefined && sessionId !== null && ctx.cluster !== undefined) {
    try {
      record = await ctx.cluster.find(sessionId, grant);
    } catch (cause) {
      storeFailed(ctx, res, cause);
      return;
    }
  }
  if (record === undefined || record.kind !== "sse" || record.subject !== subject) {
    ctx.replies.error(res, sessionId === null ? 400 : 404, SESSION_NOT_FOUND, "Session not found");
    return;
  }
  const body = await readBoundedBody(req, ctx.options.maxMessageBytes, ctx.options.maxDiscardBytes);
  if (!body.ok) {
    refuseBody(ctx, res, body, TRANSPORT_ERROR);
    return;
  }
  const frame: DecodedFrame = decodeFrame(body.text);
  if (frame.kind === "invalid") {
    ctx.replies.json(res, 400, JSON.stringify(frame.error));
    return;
  }
  const refused = refuseToolCalls(frame, grant);
  if (refused !== undefined) {
    ctx.replies.error(res, refused.status, TRANSPORT_ERROR, refused.message, null, refused.headers);
    return;
  }
  writeStatus(res, 202);
  const cluster = ctx.cluster;
  if (cluster !== undefined && frame.kind === "message" && cluster.routeAnswer(record, frame.message)) return;
  ctx.lifecycle.begin();
  try {
    // `peer`: the /sse stream, on whichever node holds it.
    const response = await record.session.handleFrame(frame, record.peer);
    if (response === undefined) return;
    const messages: readonly JsonRpcResponse[] = Array.isArray(response) ? response : [response];
    for (const message of messages) record.peer.send(message);
  } finally {
    ctx.lifecycle.end();
    cluster?.afterRequest(record);
  }
}
