/**
 * @module Fixtures of the tasks extension scenarios (SEP-2663, `tasks-*` in the 0.2.0 alpha suite).
 * Tools declared `longRunning` become a task at once for clients that declared the extension;
 * `_meta["dev.mcp-runtime/task"]` marks tools whose task support is *required* (-32021 without the
 * extension) and how long a call may run inline before it becomes a task.
 */
import { acceptedField, singleFieldSchema } from "./assets.js";
import { tool } from "./tool.js";

const TASK_META = "dev.mcp-runtime/task";

/** Sleeps, waking early (and rejecting) when the call is cancelled. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error("cancelled"));
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(new Error("cancelled"));
    }
    signal.addEventListener("abort", abort, { once: true });
  });
}

export const taskTools = {
  greet: tool({
    description: "Sync-only: returns Hello, {name}!",
    input: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
    handler: ({ name }) => `Hello, ${String(name)}!`,
  }),
  slow_compute: tool({
    description: "Task-supporting: sleeps `seconds` seconds (reporting progress each second), then returns",
    input: {
      type: "object",
      properties: { seconds: { type: "number", minimum: 0 }, label: { type: "string" } },
      required: ["seconds"],
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    longRunning: true,
    handler: async ({ seconds, label }, ctx) => {
      const total = Math.max(0, Number(seconds));
      for (let done = 0; done < total; done++) {
        ctx.progress(done, total, `computing ${String(label ?? "")} ${done}/${total} s`.replace("  ", " "));
        await sleep(Math.min(1, total - done) * 1000, ctx.signal);
      }
      return `Computed ${String(label ?? "result")} in ${total} s`;
    },
  }),
  slow_send: tool({
    description:
      "Task-supporting, NOT idempotent (a side effect that must not run twice): sleeps `seconds` seconds, then returns",
    input: { type: "object", properties: { seconds: { type: "number", minimum: 0 } }, required: ["seconds"] },
    annotations: { idempotentHint: false },
    longRunning: true,
    handler: async ({ seconds }, ctx) => {
      await sleep(Math.max(0, Number(seconds)) * 1000, ctx.signal);
      return `Sent after ${Number(seconds)} s`;
    },
  }),
  failing_job: tool({
    description: "Task support required: fails with a tool execution error after about a second",
    _meta: { [TASK_META]: { support: "required", inlineMs: 0 } },
    handler: async (_input, ctx) => {
      await sleep(1000, ctx.signal);
      throw new Error("failing_job failed on purpose");
    },
  }),
  protocol_error_job: tool({
    description:
      "Task-supporting: fails with a JSON-RPC error (asks for roots, which the suite's client lacks)",
    longRunning: true,
    handler: async (_input, ctx) => {
      // ctx.listRoots rejects with -32021 when the client did not declare roots: a protocol error,
      // which must reach the task as `failed` with that error, not as an isError result.
      const { roots } = await ctx.listRoots({ key: "roots" });
      return `Found ${roots.length} root(s)`;
    },
  }),
  confirm_delete: tool({
    description:
      "Task-supporting: asks the user to confirm deleting `filename` (input_required), then answers",
    input: { type: "object", properties: { filename: { type: "string" } }, required: ["filename"] },
    longRunning: true,
    handler: async ({ filename }, ctx) => {
      const answer = await ctx.elicit(
        { message: `Delete ${String(filename)}?`, requestedSchema: singleFieldSchema("confirm", "boolean") },
        { key: "confirm_delete" },
      );
      return acceptedField(answer, "confirm") === true
        ? `Deleted ${String(filename)}`
        : `Kept ${String(filename)} (action=${answer.action})`;
    },
  }),
  multi_input: tool({
    description: "Task-supporting: asks two questions at once, so two input requests are pending together",
    longRunning: true,
    handler: async (_input, ctx) => {
      const [first, second] = await Promise.all([
        ctx.elicit({ message: "First name?", requestedSchema: singleFieldSchema("name") }, { key: "first" }),
        ctx.elicit(
          { message: "Second name?", requestedSchema: singleFieldSchema("name") },
          { key: "second" },
        ),
      ]);
      return `Got ${String(acceptedField(first, "name"))} and ${String(acceptedField(second, "name"))}`;
    },
  }),
  test_tool_with_task: tool({
    description:
      "Task support required: asks for user_name first (multi round-trip), then works on as a task",
    _meta: { [TASK_META]: { support: "required", inlineMs: 1000 } },
    handler: async (_input, ctx) => {
      const answer = await ctx.elicit(
        { message: "What is your name?", requestedSchema: singleFieldSchema("name") },
        { key: "user_name" },
      );
      const name = acceptedField(answer, "name");
      // Longer than the inline window, so the answered call escalates to a task.
      await sleep(1500, ctx.signal);
      return `Hello, ${typeof name === "string" ? name : "stranger"}! (from a task)`;
    },
  }),
};
