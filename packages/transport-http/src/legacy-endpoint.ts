/**
 * @module 2025-era Streamable HTTP on the MCP endpoint: `initialize` mints a session id
 * (cryptographically random), later POSTs need it (400 without, 404 when unknown or expired),
 * GET opens or resumes a server→client stream, DELETE ends the session. A POST with neither a
 * session nor a version header (benchmark harnesses, one-shot scripts) is served statelessly as
 * 2025-03-26 by a throwaway session.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  DEFAULT_LEGACY_HTTP_VERSION,
  type DecodedFrame,
  ErrorCode,
  isRequest,
  type JsonRpcId,
  LEGACY_PROTOCOL_VERSIONS,
  type ServerSession,
} from "@mcp-runtime/protocol";
import { cancelOnClose } from "./cancel-on-close.js";
import { type ClusterSessions, JOB_READS, storeFailed } from "./cluster-sessions.js";
import type { EndpointContext } from "./context.js";
import { streamOfEvent } from "./event-store.js";
import { writeStatus } from "./http-replies.js";
import { LegacySession } from "./legacy-session.js";
import { legacyStatus, replyHeaders } from "./reply-status.js";
import { ReplyStream } from "./reply-stream.js";
import { isOpen, startSse, writeSseMessage } from "./sse.js";
import { sessionOptions } from "./tool-grant.js";
import { SESSION_NOT_FOUND, STANDALONE_STREAM, TRANSPORT_ERROR } from "./transport-constants.js";
import type { ToolGrant } from "./transport-types.js";

const NO_PEER = { send() {} };

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" ? value.trim() : undefined;
}

function firstId(frame: DecodedFrame): JsonRpcId | null {
  return frame.kind === "message" && "id" in frame.message ? (frame.message.id as JsonRpcId) : null;
}

/**
 * Looks a session up for this caller; writes the refusal and returns undefined when there is none.
 * Synchronous when this node holds the session; in a cluster, a miss loads it from the shared store.
 */
function findSession(
  ctx: EndpointContext,
  req: IncomingMessage,
  res: ServerResponse,
  subject: string | undefined,
  id: JsonRpcId | null,
  grant: ToolGrant | undefined,
): LegacySession | undefined | Promise<LegacySession | undefined> {
  const sessionId = header(req, "mcp-session-id");
  if (sessionId === undefined) {
    ctx.replies.error(res, 400, TRANSPORT_ERROR, "Bad Request: Mcp-Session-Id header is required", id);
    return undefined;
  }
  const local = ctx.sessions.get(sessionId);
  if (local !== undefined || ctx.cluster === undefined)
    return checkSession(ctx, req, res, subject, id, local);
  return ctx.cluster.find(sessionId, grant).then(
    (record) => checkSession(ctx, req, res, subject, id, record),
    (cause: unknown) => {
      storeFailed(ctx, res, cause, id);
      return undefined;
    },
  );
}

function checkSession(
  ctx: EndpointContext,
  req: IncomingMessage,
  res: ServerResponse,
  subject: string | undefined,
  id: JsonRpcId | null,
  record: LegacySession | undefined,
): LegacySession | undefined {
  // Another subject's session is reported as unknown: no oracle for valid ids.
  if (record === undefined || record.kind !== "streamable" || record.subject !== subject) {
    ctx.replies.error(res, 404, SESSION_NOT_FOUND, "Session not found", id);
    return undefined;
  }
  const version = header(req, "mcp-protocol-version");
  if (version !== undefined && !LEGACY_PROTOCOL_VERSIONS.includes(version)) {
    ctx.replies.error(
      res,
      400,
      ErrorCode.InvalidRequest,
      `Bad Request: unsupported MCP-Protocol-Version ${version}`,
      id,
    );
    return undefined;
  }
  return record;
}

export async function handleLegacyPost(
  ctx: EndpointContext,
  req: IncomingMessage,
  res: ServerResponse,
  frame: DecodedFrame,
  subject: string | undefined,
  grant?: ToolGrant,
): Promise<void> {
  if (frame.kind === "message" && isRequest(frame.message) && frame.message.method === "initialize") {
    await initialize(ctx, res, frame, subject, grant);
    return;
  }
  if (header(req, "mcp-session-id") === undefined && header(req, "mcp-protocol-version") === undefined) {
    await serveStateless(ctx, res, frame, subject, grant);
    return;
  }
  let record = findSession(ctx, req, res, subject, firstId(frame), grant);
  if (record !== undefined && !(record instanceof LegacySession)) record = await record;
  if (record === undefined) return;
  record.busy++;
  try {
    await serveFrame(ctx, res, record, frame);
  } finally {
    record.busy--;
    ctx.sessions.touch(record);
    ctx.cluster?.afterRequest(record);
  }
}

async function initialize(
  ctx: EndpointContext,
  res: ServerResponse,
  frame: DecodedFrame & { kind: "message" },
  subject: string | undefined,
  grant: ToolGrant | undefined,
): Promise<void> {
  const record = new LegacySession({
    id: randomUUID(),
    subject,
    grant,
    kind: "streamable",
    server: ctx.server,
    replyContext: ctx,
    events: ctx.events,
    link: ctx.cluster,
  });
  const response = await record.session.handle(frame.message);
  if (response === undefined || "error" in response) {
    record.close("initialize failed");
    if (response === undefined) {
      // Cancelled: the server is shutting down.
      ctx.replies.error(res, 503, TRANSPORT_ERROR, "Server is shutting down", null, { connection: "close" });
      return;
    }
    // A rate-limited initialize is a 429 like any other call; other refusals of initialize are 400.
    const status = legacyStatus(response) === 429 ? 429 : 400;
    ctx.replies.json(res, status, JSON.stringify(response), replyHeaders(status, response, undefined));
    return;
  }
  if (!ctx.sessions.add(record)) {
    record.close("too many sessions");
    ctx.replies.error(res, 503, TRANSPORT_ERROR, "Too many sessions; retry later", response.id, {
      "retry-after": "5",
    });
    return;
  }
  if (ctx.cluster !== undefined) {
    try {
      await ctx.cluster.created(record);
    } catch (cause) {
      ctx.sessions.delete(record.id);
      record.close("session store unavailable");
      storeFailed(ctx, res, cause, response.id);
      return;
    }
  }
  ctx.replies.json(res, 200, JSON.stringify(response), { "mcp-session-id": record.id });
}

/** One POST of a session: a resumable stream that outlives its connection until the result. */
async function serveFrame(
  ctx: EndpointContext,
  res: ServerResponse,
  record: LegacySession,
  frame: DecodedFrame,
): Promise<void> {
  if (frame.kind === "message" && !isRequest(frame.message)) {
    // Notifications and answers to our requests (elicitation, sampling): accepted, no body. In a
    // cluster, an answer to a request another replica sent goes to that replica's node.
    if (ctx.cluster === undefined || !ctx.cluster.routeAnswer(record, frame.message))
      await record.session.handle(frame.message);
    writeStatus(res, 202);
    return;
  }
  const streamId = record.newStreamId();
  const reply = new ReplyStream(res, ctx, { events: ctx.events, sessionId: record.id, streamId });
  record.streams.set(streamId, reply);
  // Disconnection is not cancellation in 2025-era HTTP: the call goes on and may be resumed.
  res.once("close", () => reply.detach(res));
  const cluster = ctx.cluster;
  if (cluster !== undefined && frame.kind === "message" && cluster.primes(record, frame.message)) {
    reply.callKey = cluster.callKey(record, frame.message);
    reply.armResumable(cluster.resumable(record, streamId, frame.message, reply, res));
    // A read of a job's state is the client's only way to its outcome: resumable from the start.
    if (JOB_READS.has(frame.message.method)) await reply.durable();
  }
  ctx.lifecycle.begin();
  try {
    const response = await record.session.handleFrame(frame, reply);
    reply.finish(response, response === undefined ? 202 : legacyStatus(response));
  } finally {
    record.streams.delete(streamId);
    ctx.lifecycle.end();
  }
}

async function serveStateless(
  ctx: EndpointContext,
  res: ServerResponse,
  frame: DecodedFrame,
  subject: string | undefined,
  grant: ToolGrant | undefined,
): Promise<void> {
  const options = { assumeLegacyVersion: DEFAULT_LEGACY_HTTP_VERSION, ...sessionOptions(subject, grant) };
  const session: ServerSession = ctx.server.createSession(NO_PEER, options);
  const reply = new ReplyStream(res, ctx);
  cancelOnClose(res, reply, session, undefined);
  ctx.lifecycle.begin();
  try {
    const response = await session.handleFrame(frame, reply);
    if (response !== undefined) reply.finish(response, legacyStatus(response));
    else if (session.isClosed && !reply.done && isOpen(res)) {
      reply.done = true;
      ctx.replies.error(res, 503, TRANSPORT_ERROR, "Server is shutting down", firstId(frame), {
        connection: "close",
      });
    } else reply.finish(undefined, 202);
  } finally {
    session.close("request finished");
    ctx.lifecycle.end();
  }
}

/**
 * The session a GET or DELETE names. Without Mcp-Session-Id: 405, since 2026-07-28 has neither
 * (spec §5.1), which tells a modern client there is no stream to open.
 */
async function sessionOf(
  ctx: EndpointContext,
  req: IncomingMessage,
  res: ServerResponse,
  subject: string | undefined,
  grant: ToolGrant | undefined,
): Promise<LegacySession | undefined> {
  if (header(req, "mcp-session-id") === undefined) {
    writeStatus(res, 405, { allow: "POST" });
    return undefined;
  }
  return findSession(ctx, req, res, subject, null, grant);
}

/** GET with a session: the standalone stream, or a resumed one when Last-Event-ID names it. */
export async function handleLegacyGet(
  ctx: EndpointContext,
  req: IncomingMessage,
  res: ServerResponse,
  subject: string | undefined,
  grant?: ToolGrant,
): Promise<void> {
  const record = await sessionOf(ctx, req, res, subject, grant);
  if (record === undefined) return;
  const accept = req.headers.accept;
  if (accept !== undefined && !accept.includes("text/event-stream") && !accept.includes("*/*")) {
    ctx.replies.error(res, 406, TRANSPORT_ERROR, "Not Acceptable: GET needs Accept: text/event-stream");
    return;
  }
  const lastEventId = header(req, "last-event-id");
  if (ctx.cluster !== undefined) {
    await openClusterStream(ctx, ctx.cluster, record, res, lastEventId);
    return;
  }
  const replay = lastEventId === undefined ? undefined : ctx.events.replayAfter(record.id, lastEventId);
  const target =
    replay === undefined
      ? record.standalone
      : replay.streamId === STANDALONE_STREAM
        ? record.standalone
        : record.streams.get(replay.streamId);
  if (target === record.standalone && record.standaloneOpen) {
    ctx.replies.error(res, 409, TRANSPORT_ERROR, "Conflict: a stream is already open for this session");
    return;
  }
  startSse(res);
  if (replay !== undefined) {
    for (const event of replay.events) writeSseMessage(res, event.message, event.id);
  }
  if (target === undefined || target.done) {
    // That POST stream already ended: the replay was all that was left of it.
    res.end();
    return;
  }
  attachStream(ctx, record, target, res);
}

export async function handleLegacyDelete(
  ctx: EndpointContext,
  req: IncomingMessage,
  res: ServerResponse,
  subject: string | undefined,
  grant?: ToolGrant,
): Promise<void> {
  const record = await sessionOf(ctx, req, res, subject, grant);
  if (record === undefined) return;
  ctx.sessions.delete(record.id);
  record.close("session deleted by the client");
  if (ctx.cluster !== undefined) {
    // Failing that, it expires in the store with its time to live; the client is done with it.
    await ctx.cluster.remove(record).catch((cause: unknown) => storeFailed(ctx, undefined, cause));
  }
  writeStatus(res, 200);
}

/** GET in a cluster: the standalone stream (this node becomes its home) or a resumed POST stream. */
async function openClusterStream(
  ctx: EndpointContext,
  cluster: ClusterSessions,
  record: LegacySession,
  res: ServerResponse,
  lastEventId: string | undefined,
): Promise<void> {
  const streamId = lastEventId === undefined ? STANDALONE_STREAM : streamOfEvent(lastEventId);
  if (lastEventId !== undefined && streamId !== undefined && streamId !== STANDALONE_STREAM) {
    await cluster.resume(record, res, streamId, lastEventId);
    return;
  }
  if (record.standaloneOpen) {
    ctx.replies.error(res, 409, TRANSPORT_ERROR, "Conflict: a stream is already open for this session");
    return;
  }
  if (!(await cluster.openStandalone(record, res, streamId === undefined ? undefined : lastEventId))) return;
  attachStream(ctx, record, record.standalone, res);
}

/** Attaches a GET connection (SSE already started) to a stream of the session until either ends. */
function attachStream(
  ctx: EndpointContext,
  record: LegacySession,
  target: ReplyStream,
  res: ServerResponse,
): void {
  target.attach(res);
  record.busy++;
  const stream = {
    end: () => {
      target.detach(res);
      if (isOpen(res)) res.end();
    },
  };
  ctx.lifecycle.addLongStream(stream);
  res.once("close", () => {
    target.detach(res);
    ctx.lifecycle.removeLongStream(stream);
    record.busy--;
    ctx.sessions.touch(record);
  });
}
