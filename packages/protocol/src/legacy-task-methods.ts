/**
 * @module The 2025-11-25 tasks (core protocol then, removed in 2026-07-28) over the same
 * `TaskBackend` as the extension: task-augmented `tools/call` (`params.task`) answered with
 * `CreateTaskResult` `{ task }`, `tasks/get`, `tasks/result`, `tasks/list`, `tasks/cancel`, and
 * `notifications/tasks/status` on the session. Only for sessions that negotiated 2025-11-25 and
 * whose client declared `capabilities.tasks`.
 */
import { ErrorCode, invalidParams, JsonRpcError } from "./errors.js";
import type { RequestContext } from "./request-context.js";
import type { HandlerSession, MethodHandler } from "./server-types.js";
import { LEGACY_TASKS_VERSION } from "./task-constants.js";
import {
  isTerminalStatus,
  type TaskBackend,
  type TaskView,
  taskIdOf,
  taskNotFound,
  taskOwner,
} from "./tasks.js";
import type { ClientCapabilities, JsonObject, ToolDescriptor } from "./types.js";
import { MetaKey } from "./versions.js";

/** While a task asks for input (which 2025-11-25 clients answer through tasks/result side channels we lack), tasks/result re-checks this often. */
const RESULT_RECHECK_MS = 1_000;
/** How long one backend wait may last before tasks/result waits again (the backend caps waits). */
const RESULT_WAIT_MS = 60_000;

/** Whether legacy task methods apply: a 2025-11-25 session whose client declared `capabilities.tasks`. */
export function usesLegacyTasks(ctx: RequestContext | undefined): boolean {
  if (ctx?.identity.era !== "legacy" || ctx.identity.protocolVersion !== LEGACY_TASKS_VERSION) return false;
  return declaresLegacyTasks(ctx.identity.clientCapabilities);
}

export function declaresLegacyTasks(capabilities: ClientCapabilities | undefined): boolean {
  const tasks = (capabilities as JsonObject | undefined)?.tasks;
  return typeof tasks === "object" && tasks !== null && !Array.isArray(tasks);
}

/**
 * The 2025-11-25 `Task`: `ttl`/`pollInterval` instead of `ttlMs`/`pollIntervalMs`, no result. A tool
 * result with `isError` reads `failed` (spec: "for tool calls, this includes isError results").
 */
export function legacyTask(view: TaskView): JsonObject {
  const failedResult = view.status === "completed" && view.result?.isError === true;
  const task: JsonObject = {
    taskId: view.taskId,
    status: failedResult ? "failed" : view.status,
    createdAt: view.createdAt,
    lastUpdatedAt: view.lastUpdatedAt,
    ttl: view.ttlMs,
  };
  if (view.statusMessage !== undefined) task.statusMessage = view.statusMessage;
  if (view.pollIntervalMs !== undefined) task.pollInterval = view.pollIntervalMs;
  return task;
}

/**
 * tools/list on a 2025-11-25 session: tools with a task policy show `execution.taskSupport`
 * (the field is gone from 2026-07-28, where the caller passes no session version).
 */
export function withTaskSupport(
  session: HandlerSession,
  tools: readonly ToolDescriptor[],
  modern: boolean,
): readonly ToolDescriptor[] {
  const backend = session.server.tasks;
  if (!backend || modern || session.protocolVersion !== LEGACY_TASKS_VERSION) return tools;
  return tools.map((tool) => {
    const policy = backend.policy(tool.name);
    return policy ? { ...tool, execution: { ...tool.execution, taskSupport: policy.support } } : tool;
  });
}

function backendOf(session: HandlerSession, method: string, ctx: RequestContext | undefined): TaskBackend {
  const backend = session.server.tasks;
  if (!backend || !usesLegacyTasks(ctx))
    throw new JsonRpcError(ErrorCode.MethodNotFound, `Method not found: ${method}`);
  return backend;
}

function ownerOf(ctx: RequestContext | undefined): string {
  return taskOwner(ctx?.identity.subject);
}

/** Sends `notifications/tasks/status` on the session each time the task's status changes, until it is terminal. */
function notifyStatus(session: HandlerSession, backend: TaskBackend, first: TaskView, owner: string): void {
  let last = legacyTask(first).status;
  const stop = backend.watch([first.taskId], owner, (view) => {
    if (view.taskId !== first.taskId) return;
    if (session.isClosed) return stop();
    const task = legacyTask(view);
    if (task.status === last) return;
    last = task.status;
    session.peer.send({ jsonrpc: "2.0", method: "notifications/tasks/status", params: task });
    if (isTerminalStatus(view.status)) stop();
  });
}

/**
 * Turns a task-augmented 2025-11-25 `tools/call` into a task. Tools without a task policy are not
 * task-capable: spec says -32601 when a client asks for one anyway.
 */
export async function createLegacyToolTask(
  session: HandlerSession,
  name: string,
  args: JsonObject,
  ctx: RequestContext,
): Promise<JsonObject> {
  const backend = session.server.tasks;
  if (!backend?.policy(name))
    throw new JsonRpcError(ErrorCode.MethodNotFound, `Tool ${name} does not support task-augmented calls`);
  const owner = ownerOf(ctx);
  // The job outlives this node: the transport makes the call resumable before it exists.
  const resumable = ctx.durable();
  if (resumable !== undefined) await resumable;
  const view = await backend.submit(
    {
      tool: name,
      arguments: args,
      owner,
      protocolVersion: ctx.identity.protocolVersion,
      clientCapabilities: ctx.identity.clientCapabilities,
      inputResponses: {},
      // Redelivered (its node died before answering): the same key finds the same task.
      ...(ctx.callKey === undefined ? {} : { key: ctx.callKey }),
    },
    ctx.observation,
  );
  notifyStatus(session, backend, view, owner);
  return { task: legacyTask(view) };
}

/** Waits until the task is terminal (input_required keeps waiting: the call's outcome is what counts). */
async function terminal(
  backend: TaskBackend,
  taskId: string,
  owner: string,
  signal: AbortSignal,
): Promise<TaskView> {
  for (;;) {
    const view = await backend.settle(taskId, owner, RESULT_WAIT_MS, signal);
    if (!view) throw taskNotFound(taskId);
    if (isTerminalStatus(view.status) || signal.aborted) return view;
    if (view.status === "input_required")
      await new Promise((resolve) => setTimeout(resolve, RESULT_RECHECK_MS));
  }
}

function parseCursor(params: JsonObject): string | undefined {
  const cursor = params.cursor;
  if (cursor === undefined || cursor === null) return undefined;
  if (typeof cursor !== "string") throw invalidParams('Invalid params: "cursor" must be a string');
  return cursor;
}

/** `tasks/get` and `tasks/cancel` are reached through the extension's handlers (one table entry per method). */
export const legacyTaskHandlers = {
  "tasks/get": {
    era: "legacy",
    withContext: true,
    cacheable: false,
    async handle(session, params, ctx) {
      const taskId = taskIdOf(params);
      const view = await backendOf(session, "tasks/get", ctx).get(taskId, ownerOf(ctx));
      if (!view) throw taskNotFound(taskId);
      return legacyTask(view);
    },
  },
  "tasks/result": {
    era: "legacy",
    withContext: true,
    cacheable: false,
    async handle(session, params, ctx) {
      const backend = backendOf(session, "tasks/result", ctx);
      const taskId = taskIdOf(params);
      const signal = (ctx as RequestContext).signal;
      const view = await terminal(backend, taskId, ownerOf(ctx), signal);
      const related = { [MetaKey.relatedTask]: { taskId } };
      if (view.status === "completed" && view.result) {
        const meta = (view.result._meta as JsonObject | undefined) ?? {};
        return { ...view.result, _meta: { ...meta, ...related } };
      }
      if (view.status === "failed" && view.error)
        throw new JsonRpcError(view.error.code, view.error.message, view.error.data);
      throw new JsonRpcError(ErrorCode.RequestCancelled, view.statusMessage ?? "Task cancelled", related);
    },
  },
  "tasks/list": {
    era: "legacy",
    withContext: true,
    cacheable: false,
    async handle(session, params, ctx) {
      const backend = backendOf(session, "tasks/list", ctx);
      if (!backend.list) return { tasks: [] };
      const page = await backend.list(ownerOf(ctx), parseCursor(params));
      if (!page) throw invalidParams("Invalid params: invalid cursor");
      const result: JsonObject = { tasks: page.tasks.map(legacyTask) };
      if (page.nextCursor !== undefined) result.nextCursor = page.nextCursor;
      return result;
    },
  },
  "tasks/cancel": {
    era: "legacy",
    withContext: true,
    cacheable: false,
    async handle(session, params, ctx) {
      const backend = backendOf(session, "tasks/cancel", ctx);
      const taskId = taskIdOf(params);
      const owner = ownerOf(ctx);
      const view = await backend.get(taskId, owner);
      if (!view) throw taskNotFound(taskId);
      // 2025-11-25 rejects cancelling a terminal task (the extension acks it instead).
      if (isTerminalStatus(view.status))
        throw invalidParams(`Cannot cancel task: already in terminal status '${view.status}'`);
      if (!(await backend.cancel(taskId, owner))) throw taskNotFound(taskId);
      const after = (await backend.get(taskId, owner)) ?? view;
      // The task must read cancelled before the response (spec), whatever the job reports yet.
      return legacyTask({
        ...after,
        status: "cancelled",
        statusMessage: "The task was cancelled by request.",
      });
    },
  },
} satisfies Record<string, MethodHandler>;
