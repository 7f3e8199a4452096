/**
 * @module The `io.modelcontextprotocol/tasks` extension (SEP-2663): wire shapes, the per-tool task
 * policy, and the `TaskBackend` contract the runtime implements (with its job queue). No I/O here.
 */
import { ErrorCode, invalidParams, JsonRpcError } from "./errors.js";
import type { InputRequest } from "./request-context.js";
import type { ClientCapabilities, JsonObject } from "./types.js";

export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

export type TaskStatus = "working" | "input_required" | "completed" | "failed" | "cancelled";

/** `DetailedTask` of the spec: what tasks/get and notifications/tasks carry. */
export interface TaskView {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number | null;
  pollIntervalMs?: number;
  inputRequests?: Record<string, InputRequest>;
  result?: JsonObject;
  error?: { code: number; message: string; data?: unknown };
}

/** How one tool takes part in tasks. */
export interface TaskPolicy {
  /** "required": clients without the extension get -32021 */
  support: "optional" | "required";
  /**
   * How long a task-capable call waits for the job before answering with a task (0: a task at once).
   * Input asked for inside this window is asked through multi round-trip (input_required) before
   * any task exists, as SEP-2663 recommends.
   */
  inlineMs: number;
}

/** What a task runs: enough to rebuild the call's context on any worker. */
export interface TaskCall {
  tool: string;
  arguments: JsonObject;
  owner: string;
  protocolVersion: string;
  clientCapabilities: ClientCapabilities;
  /** answers gathered before the task (multi round-trip), by input key */
  inputResponses: Record<string, JsonObject>;
  /**
   * The transport's stable key of the call (`RequestContext.callKey`): a backend that gets the
   * same key twice joins the first job rather than running the call again.
   */
  key?: string;
}

/** Implemented by the runtime on its job queue; every method is bound to the caller (`owner`). */
export interface TaskBackend {
  policy(tool: string): TaskPolicy | undefined;
  /**
   * Stores the task durably: `get` finds it as soon as this resolves. `observation` is the
   * request's `RequestContext.observation` (its span, for instance), for backends that trace.
   */
  submit(call: TaskCall, observation?: unknown): Promise<TaskView>;
  /** Waits until the task is terminal or needs input, or `ms` passed; returns its view then. */
  settle(taskId: string, owner: string, ms: number, signal?: AbortSignal): Promise<TaskView | undefined>;
  get(taskId: string, owner: string): Promise<TaskView | undefined>;
  update(taskId: string, owner: string, inputResponses: Record<string, JsonObject>): Promise<boolean>;
  cancel(taskId: string, owner: string): Promise<boolean>;
  /**
   * The caller's tasks, a page at a time (2025-11-25 `tasks/list`); `undefined` for a cursor this
   * backend did not issue. Optional: without it tasks/list answers an empty list.
   */
  list?(
    owner: string,
    cursor: string | undefined,
  ): Promise<{ tasks: TaskView[]; nextCursor?: string } | undefined>;
  /** Calls `listener` with the full view each time one of these tasks changes. */
  watch(taskIds: readonly string[], owner: string, listener: (task: TaskView) => void): () => void;
}

export function declaresTasks(capabilities: ClientCapabilities | undefined): boolean {
  const extensions = capabilities?.extensions;
  return typeof extensions === "object" && extensions !== null && TASKS_EXTENSION in extensions;
}

export function missingTasksCapability(): JsonRpcError {
  return new JsonRpcError(ErrorCode.MissingClientCapability, "Missing required client capability", {
    requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } },
  });
}

/** Tasks are bound to the authenticated subject; unauthenticated callers share one owner. */
/** The `taskId` param of a task method (tasks/get, tasks/cancel, ...), checked. */
export function taskIdOf(params: JsonObject): string {
  const taskId = params.taskId;
  if (typeof taskId !== "string" || taskId.length === 0)
    throw invalidParams('Invalid params: "taskId" must be a non-empty string');
  return taskId;
}

export function taskOwner(subject: string | undefined): string {
  return subject === undefined ? "anonymous" : `sub:${subject}`;
}

export function taskNotFound(taskId: string): JsonRpcError {
  return new JsonRpcError(ErrorCode.InvalidParams, "Failed to retrieve task: Task not found", { taskId });
}

export function isTerminalStatus(status: TaskStatus): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}

/** CreateTaskResult: the flat task fields, no result/error/inputRequests (those live on tasks/get). */
export function createTaskResult(view: TaskView): JsonObject {
  const result: JsonObject = {
    resultType: "task",
    taskId: view.taskId,
    status: view.status,
    createdAt: view.createdAt,
    lastUpdatedAt: view.lastUpdatedAt,
    ttlMs: view.ttlMs,
  };
  if (view.statusMessage !== undefined) result.statusMessage = view.statusMessage;
  if (view.pollIntervalMs !== undefined) result.pollIntervalMs = view.pollIntervalMs;
  return result;
}
