/**
 * @module The task backend with a `queue.submit` span under the request that created each task;
 * every other method passes straight through. Used only when tracing is on.
 */
import type { JsonObject, TaskBackend, TaskCall, TaskPolicy, TaskView } from "@mcp-runtime/protocol";
import type { Tracing } from "@mcp-runtime/telemetry/tracing";
import { inChildSpan } from "./child-span.js";

export class TracedTaskBackend implements TaskBackend {
  readonly list: TaskBackend["list"];

  constructor(
    private readonly inner: TaskBackend,
    private readonly tracing: Tracing,
  ) {
    this.list = inner.list?.bind(inner);
  }

  submit(call: TaskCall, observation?: unknown): Promise<TaskView> {
    return inChildSpan(
      this.tracing,
      "queue.submit",
      observation,
      { "gen_ai.tool.name": call.tool },
      () => this.inner.submit(call, observation),
      (span, view) => span.setAttribute("mcp.task.id", view.taskId),
    );
  }

  policy(tool: string): TaskPolicy | undefined {
    return this.inner.policy(tool);
  }
  settle(taskId: string, owner: string, ms: number, signal?: AbortSignal): Promise<TaskView | undefined> {
    return this.inner.settle(taskId, owner, ms, signal);
  }
  get(taskId: string, owner: string): Promise<TaskView | undefined> {
    return this.inner.get(taskId, owner);
  }
  update(taskId: string, owner: string, inputResponses: Record<string, JsonObject>): Promise<boolean> {
    return this.inner.update(taskId, owner, inputResponses);
  }
  cancel(taskId: string, owner: string): Promise<boolean> {
    return this.inner.cancel(taskId, owner);
  }
  watch(taskIds: readonly string[], owner: string, listener: (task: TaskView) => void): () => void {
    return this.inner.watch(taskIds, owner, listener);
  }
}
