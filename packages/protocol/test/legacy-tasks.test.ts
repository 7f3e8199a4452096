/**
 * 2025-11-25 task methods over a `TaskBackend`: an in-memory backend whose tasks the test finishes,
 * so every status and shape is asserted without a job queue.
 */
import { describe, expect, it } from "vitest";
import type { JsonObject, TaskBackend, TaskCall, TaskPolicy, TaskView } from "../src/index.js";
import { createHarness, errorOf, modernMeta, notificationsOf, resultOf, tick } from "./support.js";

/** Tasks held in memory; `finish` moves one to a final state. */
class StubBackend implements TaskBackend {
  readonly tasks = new Map<string, { view: TaskView; owner: string; call: TaskCall }>();
  private readonly listeners = new Set<(view: TaskView) => void>();
  private next = 0;

  policy(tool: string): TaskPolicy | undefined {
    return tool === "echo" ? { support: "optional", inlineMs: 0 } : undefined;
  }

  async submit(call: TaskCall): Promise<TaskView> {
    const now = new Date().toISOString();
    const taskId = `task-${++this.next}`;
    const view: TaskView = {
      taskId,
      status: "working",
      createdAt: now,
      lastUpdatedAt: now,
      ttlMs: 60_000,
      pollIntervalMs: 500,
    };
    this.tasks.set(taskId, { view, owner: call.owner, call });
    return view;
  }

  finish(taskId: string, change: Partial<TaskView>): void {
    const task = this.tasks.get(taskId);
    if (!task) throw new Error(`no task ${taskId}`);
    task.view = { ...task.view, ...change, lastUpdatedAt: new Date().toISOString() };
    for (const listener of this.listeners) listener(task.view);
  }

  async settle(taskId: string, owner: string, ms: number): Promise<TaskView | undefined> {
    const end = Date.now() + ms;
    for (;;) {
      const view = await this.get(taskId, owner);
      if (view?.status !== "working" || Date.now() >= end) return view;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async get(taskId: string, owner: string): Promise<TaskView | undefined> {
    const task = this.tasks.get(taskId);
    return task && task.owner === owner ? task.view : undefined;
  }

  async update(): Promise<boolean> {
    return false;
  }

  async cancel(taskId: string, owner: string): Promise<boolean> {
    if (!(await this.get(taskId, owner))) return false;
    this.finish(taskId, { status: "cancelled", statusMessage: "Task cancelled" });
    return true;
  }

  async list(owner: string, cursor: string | undefined) {
    const mine = [...this.tasks.values()].filter((t) => t.owner === owner).map((t) => t.view);
    const offset = cursor === undefined ? 0 : Number(cursor);
    if (!Number.isInteger(offset)) return undefined;
    const tasks = mine.slice(offset, offset + 2);
    return offset + 2 < mine.length ? { tasks, nextCursor: String(offset + 2) } : { tasks };
  }

  watch(_taskIds: readonly string[], _owner: string, listener: (view: TaskView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const TASK_CLIENT = { tasks: { list: {}, cancel: {}, requests: {} } };
const RESULT = { content: [{ type: "text", text: "hi" }] };

async function legacyTaskSession() {
  const backend = new StubBackend();
  const h = createHarness({ tasks: backend });
  const init = resultOf(await h.initialize("2025-11-25", TASK_CLIENT));
  return { backend, h, init };
}

describe("2025-11-25 tasks", () => {
  it("advertises tasks in initialize and execution.taskSupport in tools/list, only on 2025-11-25", async () => {
    const { h, init } = await legacyTaskSession();
    expect((init.capabilities as JsonObject).tasks).toEqual({
      list: {},
      cancel: {},
      requests: { tools: { call: {} } },
    });
    const tools = resultOf(await h.request("tools/list")).tools as JsonObject[];
    expect(tools.find((t) => t.name === "echo")?.execution).toEqual({ taskSupport: "optional" });
    expect(tools.find((t) => t.name === "fail")?.execution).toBeUndefined();

    const older = createHarness({ tasks: new StubBackend() });
    const olderInit = resultOf(await older.initialize("2025-06-18", TASK_CLIENT));
    expect((olderInit.capabilities as JsonObject).tasks).toBeUndefined();
    const olderTools = resultOf(await older.request("tools/list")).tools as JsonObject[];
    expect(olderTools.every((t) => t.execution === undefined)).toBe(true);

    const modern = createHarness({ tasks: new StubBackend() });
    const modernTools = resultOf(await modern.modern("tools/list")).tools as JsonObject[];
    expect(modernTools.every((t) => t.execution === undefined)).toBe(true);
  });

  it("creates a task, reports it through tasks/get and notifications, and returns the result on tasks/result", async () => {
    const { backend, h } = await legacyTaskSession();
    const created = resultOf(
      await h.request("tools/call", { name: "echo", arguments: { text: "hi" }, task: { ttl: 1000 } }),
    );
    const task = created.task as JsonObject;
    expect(task).toMatchObject({ status: "working", ttl: 60_000, pollInterval: 500 });
    expect(typeof task.createdAt).toBe("string");
    expect(created.content).toBeUndefined();
    const taskId = String(task.taskId);
    expect(backend.tasks.get(taskId)?.call).toMatchObject({ tool: "echo", arguments: { text: "hi" } });

    const got = resultOf(await h.request("tasks/get", { taskId }));
    expect(got).toEqual(task);
    expect(got.ttlMs).toBeUndefined();

    const pending = h.request("tasks/result", { taskId });
    await tick();
    backend.finish(taskId, { status: "completed", result: RESULT });
    const result = resultOf(await pending);
    expect(result.content).toEqual(RESULT.content);
    expect(result._meta).toEqual({ "io.modelcontextprotocol/related-task": { taskId } });
    const statuses = notificationsOf(h.sent, "notifications/tasks/status").map((n) => n.params);
    expect(statuses).toEqual([expect.objectContaining({ taskId, status: "completed" })]);
  });

  it("answers tasks/result of a failed task with its JSON-RPC error, and reads isError results as failed", async () => {
    const { backend, h } = await legacyTaskSession();
    const failed = String(
      (
        resultOf(await h.request("tools/call", { name: "echo", arguments: { text: "a" }, task: {} }))
          .task as JsonObject
      ).taskId,
    );
    backend.finish(failed, { status: "failed", error: { code: -32603, message: "worker lost" } });
    expect(errorOf(await h.request("tasks/result", { taskId: failed }))).toMatchObject({
      code: -32603,
      message: "worker lost",
    });
    const isError = String(
      (
        resultOf(await h.request("tools/call", { name: "echo", arguments: { text: "b" }, task: {} }))
          .task as JsonObject
      ).taskId,
    );
    backend.finish(isError, { status: "completed", result: { ...RESULT, isError: true } });
    expect(resultOf(await h.request("tasks/get", { taskId: isError })).status).toBe("failed");
    expect(resultOf(await h.request("tasks/result", { taskId: isError })).isError).toBe(true);
  });

  it("lists the caller's tasks a page at a time and cancels a working task once", async () => {
    const { h } = await legacyTaskSession();
    const ids: string[] = [];
    for (const text of ["a", "b", "c"]) {
      const created = resultOf(
        await h.request("tools/call", { name: "echo", arguments: { text }, task: {} }),
      );
      ids.push(String((created.task as JsonObject).taskId));
    }
    const first = resultOf(await h.request("tasks/list", {}));
    expect((first.tasks as JsonObject[]).map((t) => t.taskId)).toEqual(ids.slice(0, 2));
    const second = resultOf(await h.request("tasks/list", { cursor: first.nextCursor as string }));
    expect((second.tasks as JsonObject[]).map((t) => t.taskId)).toEqual(ids.slice(2));
    expect(second.nextCursor).toBeUndefined();
    expect(errorOf(await h.request("tasks/list", { cursor: "not-ours" })).code).toBe(-32602);

    const cancelled = resultOf(await h.request("tasks/cancel", { taskId: ids[0] }));
    expect(cancelled).toMatchObject({ taskId: ids[0], status: "cancelled" });
    expect(errorOf(await h.request("tasks/cancel", { taskId: ids[0] })).code).toBe(-32602);
    expect(errorOf(await h.request("tasks/get", { taskId: "missing" })).code).toBe(-32602);
  });

  it("refuses task augmentation of a tool without task support, and offers no task methods to clients without capabilities.tasks", async () => {
    const { h } = await legacyTaskSession();
    expect(errorOf(await h.request("tools/call", { name: "fail", arguments: {}, task: {} })).code).toBe(
      -32601,
    );
    const inline = createHarness({ tasks: new StubBackend() });
    resultOf(await inline.initialize("2025-11-25", {}));
    // A client that did not declare capabilities.tasks: params.task is ignored, no task methods.
    expect(errorOf(await inline.request("tasks/list", {})).code).toBe(-32601);
    expect(errorOf(await inline.request("tasks/result", { taskId: "x" })).code).toBe(-32601);
  });

  it("leaves the 2026-07-28 wire without tasks/result or tasks/list", async () => {
    const h = createHarness({ tasks: new StubBackend() });
    const meta = modernMeta({ extensions: { "io.modelcontextprotocol/tasks": {} } });
    expect(errorOf(await h.modern("tasks/list", {}, meta)).code).toBe(-32601);
    expect(errorOf(await h.modern("tasks/result", { taskId: "x" }, meta)).code).toBe(-32601);
  });
});
