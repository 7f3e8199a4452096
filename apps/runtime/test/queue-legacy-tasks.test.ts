/**
 * 2025-11-25 tasks (core protocol in that revision) through the real CLI, with the official SDK 1.x
 * client over Streamable HTTP: a task-augmented call of a slow tool answers with a task at once;
 * tasks/get shows it working, tasks/result blocks until the tool's result, tasks/list lists the
 * caller's tasks, tasks/cancel stops another one, and notifications/tasks/status reaches the client.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  TaskStatusNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { assertBuilt } from "./support/paths.js";

let runtime: HttpRuntime;
beforeAll(async () => {
  assertBuilt();
  runtime = await startHttpRuntime({ plugins: [{ package: "@mcp-runtime/plugin-conformance" }] });
});
afterAll(async () => {
  await runtime?.stop();
});

async function connect(): Promise<Client> {
  // Declaring capabilities.tasks is what makes the server treat `params.task` as task augmentation.
  const client = new Client(
    { name: "legacy-tasks", version: "0" },
    { capabilities: { tasks: { list: {}, cancel: {}, requests: {} } } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(runtime.url)));
  return client;
}

describe("2025-11-25 tasks with the SDK 1.x client", () => {
  it("negotiates tasks and marks task-capable tools", async () => {
    const client = await connect();
    try {
      expect(client.getServerCapabilities()?.tasks).toEqual({
        list: {},
        cancel: {},
        requests: { tools: { call: {} } },
      });
      const { tools } = await client.listTools();
      expect(tools.find((t) => t.name === "slow_compute")?.execution).toEqual({ taskSupport: "optional" });
      expect(tools.find((t) => t.name === "greet")?.execution).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it("runs a slow tool as a task: created at once, polled, result, listed; cancels another", async () => {
    const client = await connect();
    const statuses: string[] = [];
    client.setNotificationHandler(TaskStatusNotificationSchema, (n) => {
      statuses.push(`${n.params.taskId}:${n.params.status}`);
    });
    try {
      await client.listTools();
      const stream = client.experimental.tasks.callToolStream(
        { name: "slow_compute", arguments: { seconds: 2, label: "legacy" } },
        CallToolResultSchema,
        { task: { ttl: 60_000 } },
      );
      const started = Date.now();
      let taskId = "";
      let createdMs = -1;
      const seen: string[] = [];
      let result: unknown;
      for await (const message of stream) {
        if (message.type === "taskCreated") {
          taskId = message.task.taskId;
          createdMs = Date.now() - started;
          expect(message.task.status).toBe("working");
          expect(typeof message.task.ttl).toBe("number");
        } else if (message.type === "taskStatus") seen.push(message.task.status);
        else if (message.type === "result") result = message.result;
        else throw message.error;
      }
      expect(taskId).not.toBe("");
      expect(createdMs).toBeLessThan(1_500);
      expect(seen).toContain("working");
      expect(seen.at(-1)).toBe("completed");
      expect(result).toMatchObject({ content: [{ type: "text", text: "Computed legacy in 2 s" }] });

      const again = await client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
      expect(again.content).toEqual([{ type: "text", text: "Computed legacy in 2 s" }]);
      expect(again._meta?.["io.modelcontextprotocol/related-task"]).toEqual({ taskId });

      // Another task, cancelled while it works.
      const created = await client.request(
        {
          method: "tools/call",
          params: { name: "slow_compute", arguments: { seconds: 30 }, task: {} },
        },
        CreateTaskResultSchema,
      );
      const other = created.task.taskId;
      expect((await client.experimental.tasks.getTask(other)).status).toBe("working");
      const listed = await client.experimental.tasks.listTasks();
      expect(listed.tasks.map((t) => t.taskId)).toEqual(expect.arrayContaining([taskId, other]));
      const cancelled = await client.experimental.tasks.cancelTask(other);
      expect(cancelled.status).toBe("cancelled");
      expect((await client.experimental.tasks.getTask(other)).status).toBe("cancelled");
      await expect(client.experimental.tasks.cancelTask(other)).rejects.toMatchObject({ code: -32602 });
      await expect(client.experimental.tasks.getTask("no-such-task")).rejects.toMatchObject({ code: -32602 });

      // Status notifications ride the session's standalone GET stream.
      const deadline = Date.now() + 3_000;
      while (!statuses.includes(`${taskId}:completed`) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(statuses).toContain(`${taskId}:completed`);
    } finally {
      await client.close();
    }
  }, 30_000);

  it("blocks tasks/result on a working task until the tool returns", async () => {
    const client = await connect();
    try {
      const created = await client.request(
        { method: "tools/call", params: { name: "slow_compute", arguments: { seconds: 1 }, task: {} } },
        CreateTaskResultSchema,
      );
      const result = await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
      expect(result.content).toEqual([{ type: "text", text: "Computed result in 1 s" }]);
    } finally {
      await client.close();
    }
  }, 15_000);
});
