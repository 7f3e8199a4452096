/**
 * @module SEP-2322 (multi round-trip requests) fixtures: input-required-result-* scenarios. Each handler
 * asks through ctx.elicit/sample/listRoots with the reference's keys; at 2026-07-28 the runtime turns
 * a missing answer into `input_required` (and HMAC-signs `requestState`), and reruns the handler from
 * the start on retry, so handlers have no side effects before their questions. Legacy sessions get
 * real server-to-client requests instead.
 */
import { acceptedField, samplingText, singleFieldSchema, userTextSampling } from "./assets.js";
import { tool } from "./tool.js";

const askName = { message: "What is your name?", requestedSchema: singleFieldSchema("name") };
const askConfirm = { message: "Please confirm", requestedSchema: singleFieldSchema("ok", "boolean") };

function text(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

export const inputRequiredTools = {
  test_input_required_result_elicitation: tool({
    description: "MRTR: returns InputRequiredResult with elicitation request",
    handler: async (_input, ctx) => {
      const answer = await ctx.elicit(askName, { key: "user_name" });
      const name = acceptedField(answer, "name");
      return typeof name === "string" ? `Hello, ${name}!` : `No name given (action=${answer.action})`;
    },
  }),
  test_input_required_result_sampling: tool({
    description: "MRTR: returns InputRequiredResult with sampling request",
    handler: async (_input, ctx) => {
      const answer = await ctx.sample(userTextSampling("What is the capital of France?", 100), {
        key: "capital_question",
      });
      return `Sampling result: ${samplingText(answer.content) ?? "no response"}`;
    },
  }),
  test_input_required_result_list_roots: tool({
    description: "MRTR: returns InputRequiredResult with roots/list request",
    handler: async (_input, ctx) => {
      const { roots } = await ctx.listRoots({ key: "roots_request" });
      return `Found ${roots.length} root(s)`;
    },
  }),
  test_input_required_result_request_state: tool({
    description: "MRTR: returns InputRequiredResult with requestState",
    handler: async (_input, ctx) => {
      const answer = await ctx.elicit(askConfirm, { key: "confirm" });
      return acceptedField(answer, "ok") === true
        ? "state-ok: requestState validated"
        : `Not confirmed (action=${answer.action})`;
    },
  }),
  test_input_required_result_multiple_inputs: tool({
    description: "MRTR: returns InputRequiredResult with multiple input requests",
    handler: async (_input, ctx) => {
      // All three are asked before any is awaited so one input_required round carries them all.
      const [user, greeting, roots] = await Promise.all([
        ctx.elicit(askName, { key: "user_name" }),
        ctx.sample(userTextSampling("Generate a greeting", 50), { key: "greeting" }),
        ctx.listRoots({ key: "client_roots" }),
      ]);
      const name = text(acceptedField(user, "name"), "friend");
      const hello = samplingText(greeting.content) ?? "Hello there!";
      return `Name: ${name}; Greeting: ${hello}; Roots: ${roots.roots.length}`;
    },
  }),
  test_input_required_result_multi_round: tool({
    description: "MRTR: multi-round InputRequiredResult workflow",
    handler: async (_input, ctx) => {
      // Sequential on purpose: step2 is only asked once step1 is answered, giving two rounds.
      const first = await ctx.elicit(
        { message: "Step 1: What is your name?", requestedSchema: singleFieldSchema("name") },
        { key: "step1" },
      );
      const second = await ctx.elicit(
        { message: "Step 2: What is your favorite color?", requestedSchema: singleFieldSchema("color") },
        { key: "step2" },
      );
      const name = text(acceptedField(first, "name"), "friend");
      const color = text(acceptedField(second, "color"), "no color");
      return `Multi-round complete for ${name} who likes ${color}`;
    },
  }),
  test_input_required_result_tampered_state: tool({
    description: "MRTR: HMAC-signed requestState integrity test",
    // The runtime verifies requestState before the handler runs, so a tampered state never gets here.
    handler: async (_input, ctx) => {
      await ctx.elicit(askConfirm, { key: "confirm" });
      return "integrity-ok: state verified";
    },
  }),
  test_input_required_result_capabilities: tool({
    description: "MRTR: respects client capabilities in inputRequests",
    handler: async (_input, ctx) => {
      const caps = ctx.clientCapabilities;
      const keys: string[] = [];
      const asks: Promise<unknown>[] = [];
      // Ask only for what the client declared: asking for more would be refused (-32021).
      if (caps.elicitation !== undefined) {
        keys.push("elicit_input");
        asks.push(
          ctx.elicit(
            { message: "Elicitation input", requestedSchema: singleFieldSchema("value") },
            { key: "elicit_input" },
          ),
        );
      }
      if (caps.sampling !== undefined) {
        keys.push("sample_input");
        asks.push(ctx.sample(userTextSampling("Sample request", 50), { key: "sample_input" }));
      }
      if (asks.length === 0) return "No supported capabilities declared";
      await Promise.all(asks);
      return `capabilities-ok: received ${keys.join(",")}`;
    },
  }),
};
