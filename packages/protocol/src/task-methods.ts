/**
 * @module Server side of the tasks extension: `tasks/get`, `tasks/update`, `tasks/cancel`, and the
 * `tools/call` route that turns a call into a task (or waits for it inline for clients without the
 * extension). Kept apart from server-methods.ts so the core table only gains three entries.
 */
import { ErrorCode, invalidParams, JsonRpcError } from "./errors.js";
import { createLegacyToolTask, legacyTaskHandlers, usesLegacyTasks } from "./legacy-task-methods.js";
import { InputRequiredSignal, type RequestContext } from "./request-context.js";
import type { HandlerSession, MethodHandler } from "./server-types.js";
import {
  createTaskResult,
  declaresTasks,
  isTerminalStatus,
  missingTasksCapability,
  type TaskBackend,
  type TaskView,
  taskIdOf,
  taskNotFound,
  taskOwner,
} from "./tasks.js";
import type { JsonObject } from "./types.js";

function backendFor(session: HandlerSession, method: string, ctx: RequestContext | undefined): TaskBackend {
  const backend = session.server.tasks;
  if (!backend) throw new JsonRpcError(ErrorCode.MethodNotFound, `Method not found: ${method}`);
  if (!ctx || !declaresTasks(ctx.identity.clientCapabilities)) throw missingTasksCapability();
  return backend;
}

function ownerOf(ctx: RequestContext): string {
  return taskOwner(ctx.identity.subject);
}

export const taskHandlers: Record<string, MethodHandler> = {
  "tasks/get": {
    era: "both",
    withContext: true,
    cacheable: false,
    async handle(session, params, ctx) {
      // 2025-11-25 clients get that revision's Task shape (ttl, pollInterval, no result).
      if (usesLegacyTasks(ctx)) return legacyTaskHandlers["tasks/get"].handle(session, params, ctx);
      const backend = backendFor(session, "tasks/get", ctx);
      const taskId = taskIdOf(params);
      const view = await backend.get(taskId, ownerOf(ctx as RequestContext));
      if (!view) throw taskNotFound(taskId);
      return view as unknown as JsonObject;
    },
  },
  "tasks/update": {
    era: "both",
    withContext: true,
    cacheable: false,
    async handle(session, params, ctx) {
      const backend = backendFor(session, "tasks/update", ctx);
      const taskId = taskIdOf(params);
      const responses = params.inputResponses;
      if (typeof responses !== "object" || responses === null || Array.isArray(responses))
        throw invalidParams('Invalid params: "inputResponses" must be an object');
      const known = await backend.update(
        taskId,
        ownerOf(ctx as RequestContext),
        responses as Record<string, JsonObject>,
      );
      if (!known) throw taskNotFound(taskId);
      return {};
    },
  },
  "tasks/cancel": {
    era: "both",
    withContext: true,
    cacheable: false,
    async handle(session, params, ctx) {
      if (usesLegacyTasks(ctx)) return legacyTaskHandlers["tasks/cancel"].handle(session, params, ctx);
      const backend = backendFor(session, "tasks/cancel", ctx);
      const taskId = taskIdOf(params);
      if (!(await backend.cancel(taskId, ownerOf(ctx as RequestContext)))) throw taskNotFound(taskId);
      return {};
    },
  },
};

function settled(view: TaskView): JsonObject {
  if (view.status === "completed" && view.result) return view.result;
  if (view.status === "failed" && view.error)
    throw new JsonRpcError(view.error.code, view.error.message, view.error.data);
  throw new JsonRpcError(ErrorCode.RequestCancelled, view.statusMessage ?? "Request cancelled");
}

/**
 * Routes a validated `tools/call` through the task backend when the tool has a task policy.
 * Returns undefined for tools that run inline as before.
 */
export async function routeToolCall(
  session: HandlerSession,
  name: string,
  args: JsonObject,
  ctx: RequestContext,
  taskParams?: unknown,
): Promise<JsonObject | undefined> {
  const backend = session.server.tasks;
  // 2025-11-25 task augmentation: `params.task` from a client that declared capabilities.tasks.
  if (backend && taskParams !== undefined && usesLegacyTasks(ctx))
    return createLegacyToolTask(session, name, args, ctx);
  const policy = backend?.policy(name);
  if (!backend || !policy) return undefined;
  const declared = declaresTasks(ctx.identity.clientCapabilities);
  if (!declared && policy.support === "required") throw missingTasksCapability();
  const owner = ownerOf(ctx);
  // The job outlives this node: the transport makes the call resumable before it exists.
  const resumable = ctx.durable();
  if (resumable !== undefined) await resumable;
  const created = await backend.submit(
    {
      tool: name,
      arguments: args,
      owner,
      protocolVersion: ctx.identity.protocolVersion,
      clientCapabilities: ctx.identity.clientCapabilities,
      inputResponses: ctx.answers,
      ...(ctx.callKey === undefined ? {} : { key: ctx.callKey }),
    },
    ctx.observation,
  );
  // Clients without the extension wait for the result, as for any call (the spec: no task for them).
  const window = declared ? policy.inlineMs : Number.POSITIVE_INFINITY;
  const view = window > 0 ? await backend.settle(created.taskId, owner, window, ctx.signal) : created;
  if (!view) throw new JsonRpcError(ErrorCode.InternalError, "Task vanished before it settled");
  if (ctx.cancelled) {
    // The server drops the response of a cancelled request; the job must not run on unobserved.
    await backend.cancel(created.taskId, owner);
    return {};
  }
  if (isTerminalStatus(view.status)) return settled(view);
  if (view.status === "input_required" && ctx.identity.era === "modern" && (!declared || window > 0)) {
    // Input asked for before the task was handed out: a multi round-trip answer; the retry brings
    // the answers and starts a fresh job, so this one is dropped.
    await backend.cancel(created.taskId, owner);
    throw new InputRequiredSignal(view.inputRequests ?? {});
  }
  if (!declared) {
    await backend.cancel(created.taskId, owner);
    throw new JsonRpcError(
      ErrorCode.InternalError,
      `Tool ${name} needs client input, which this client can only give through tasks`,
    );
  }
  return createTaskResult(view);
}
