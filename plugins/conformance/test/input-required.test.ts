/**
 * @module SEP-2322 fixtures ask with the reference keys and params and, once answered, return the
 * reference text. The stand-in host rejects unanswered questions, as the runtime unwinds a handler.
 */
import { PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import { beforeAll, describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { accepted, onlyText, recordingHost, sampled, testRoots } from "./host.js";

let instance: PluginInstance;
beforeAll(async () => {
  instance = await PluginInstance.create(plugin);
});

const nameSchema = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };
const okSchema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] };

async function call(
  name: string,
  answers: Record<string, unknown> = {},
  capabilities?: Record<string, unknown>,
) {
  const host = recordingHost(capabilities === undefined ? { answers } : { answers, capabilities });
  const result = await instance.callTool(name, {}, host.ctx);
  return { host, result };
}

describe("input-required tools", () => {
  it("elicitation asks user_name and greets the answer", async () => {
    const first = await call("test_input_required_result_elicitation");
    expect(first.host.asks).toEqual([
      {
        method: "elicitation/create",
        key: "user_name",
        params: { message: "What is your name?", requestedSchema: nameSchema },
      },
    ]);
    expect(first.result.isError).toBe(true);
    const done = await call("test_input_required_result_elicitation", {
      user_name: accepted({ name: "Alice" }),
    });
    expect(onlyText(done.result)).toBe("Hello, Alice!");
  });

  it("elicitation ignores answers to keys it did not ask", async () => {
    const { result } = await call("test_input_required_result_elicitation", {
      user_name: accepted({ name: "Alice" }),
      unknown_extra_key: accepted({ foo: "bar" }),
    });
    expect(onlyText(result)).toBe("Hello, Alice!");
  });

  it("sampling asks capital_question and reports the model's text", async () => {
    const first = await call("test_input_required_result_sampling");
    expect(first.host.asks).toEqual([
      {
        method: "sampling/createMessage",
        key: "capital_question",
        params: {
          messages: [{ role: "user", content: { type: "text", text: "What is the capital of France?" } }],
          maxTokens: 100,
        },
      },
    ]);
    const done = await call("test_input_required_result_sampling", {
      capital_question: sampled("The capital of France is Paris."),
    });
    expect(onlyText(done.result)).toBe("Sampling result: The capital of France is Paris.");
  });

  it("list_roots asks roots_request and counts the roots", async () => {
    const first = await call("test_input_required_result_list_roots");
    expect(first.host.asks).toEqual([{ method: "roots/list", key: "roots_request", params: {} }]);
    const done = await call("test_input_required_result_list_roots", { roots_request: testRoots });
    expect(onlyText(done.result)).toBe("Found 1 root(s)");
  });

  it("request_state asks confirm and validates ok: true", async () => {
    const first = await call("test_input_required_result_request_state");
    expect(first.host.asks).toEqual([
      {
        method: "elicitation/create",
        key: "confirm",
        params: { message: "Please confirm", requestedSchema: okSchema },
      },
    ]);
    const done = await call("test_input_required_result_request_state", { confirm: accepted({ ok: true }) });
    expect(onlyText(done.result)).toBe("state-ok: requestState validated");
    const refused = await call("test_input_required_result_request_state", {
      confirm: accepted({ ok: false }),
    });
    expect(onlyText(refused.result)).toBe("Not confirmed (action=accept)");
  });

  it("multiple_inputs asks user_name, greeting and client_roots in one round", async () => {
    const first = await call("test_input_required_result_multiple_inputs");
    expect(first.host.asks).toEqual([
      {
        method: "elicitation/create",
        key: "user_name",
        params: { message: "What is your name?", requestedSchema: nameSchema },
      },
      {
        method: "sampling/createMessage",
        key: "greeting",
        params: {
          messages: [{ role: "user", content: { type: "text", text: "Generate a greeting" } }],
          maxTokens: 50,
        },
      },
      { method: "roots/list", key: "client_roots", params: {} },
    ]);
    const done = await call("test_input_required_result_multiple_inputs", {
      user_name: accepted({ name: "Alice" }),
      greeting: sampled("Hello there!"),
      client_roots: testRoots,
    });
    expect(onlyText(done.result)).toBe("Name: Alice; Greeting: Hello there!; Roots: 1");
  });

  it("multi_round asks step1, then step2, then completes", async () => {
    const round1 = await call("test_input_required_result_multi_round");
    expect(round1.host.asks.map((a) => a.key)).toEqual(["step1"]);
    expect(round1.host.asks[0]?.params).toEqual({
      message: "Step 1: What is your name?",
      requestedSchema: nameSchema,
    });
    const step1 = accepted({ name: "Alice" });
    const round2 = await call("test_input_required_result_multi_round", { step1 });
    expect(round2.host.asks.map((a) => a.key)).toEqual(["step1", "step2"]);
    expect(round2.host.asks[1]?.params).toEqual({
      message: "Step 2: What is your favorite color?",
      requestedSchema: { type: "object", properties: { color: { type: "string" } }, required: ["color"] },
    });
    expect(round2.result.isError).toBe(true);
    const round3 = await call("test_input_required_result_multi_round", {
      step1,
      step2: accepted({ color: "blue" }),
    });
    expect(onlyText(round3.result)).toBe("Multi-round complete for Alice who likes blue");
  });

  it("tampered_state asks confirm and reports a verified state once answered", async () => {
    const first = await call("test_input_required_result_tampered_state");
    expect(first.host.asks).toEqual([
      {
        method: "elicitation/create",
        key: "confirm",
        params: { message: "Please confirm", requestedSchema: okSchema },
      },
    ]);
    const done = await call("test_input_required_result_tampered_state", { confirm: accepted({ ok: true }) });
    expect(onlyText(done.result)).toBe("integrity-ok: state verified");
  });
});

describe("test_input_required_result_capabilities", () => {
  const tool = "test_input_required_result_capabilities";

  it("asks only sample_input when the client declared only sampling", async () => {
    const first = await call(tool, {}, { sampling: {} });
    expect(first.host.asks).toEqual([
      {
        method: "sampling/createMessage",
        key: "sample_input",
        params: {
          messages: [{ role: "user", content: { type: "text", text: "Sample request" } }],
          maxTokens: 50,
        },
      },
    ]);
    const done = await call(tool, { sample_input: sampled("ok") }, { sampling: {} });
    expect(onlyText(done.result)).toBe("capabilities-ok: received sample_input");
  });

  it("asks elicit_input and sample_input together when both are declared", async () => {
    const first = await call(tool, {}, { sampling: {}, elicitation: {} });
    expect(first.host.asks.map((a) => [a.method, a.key])).toEqual([
      ["elicitation/create", "elicit_input"],
      ["sampling/createMessage", "sample_input"],
    ]);
    expect(first.host.asks[0]?.params).toEqual({
      message: "Elicitation input",
      requestedSchema: { type: "object", properties: { value: { type: "string" } }, required: ["value"] },
    });
    const done = await call(
      tool,
      { elicit_input: accepted({ value: "v" }), sample_input: sampled("ok") },
      { sampling: {}, elicitation: {} },
    );
    expect(onlyText(done.result)).toBe("capabilities-ok: received elicit_input,sample_input");
  });

  it("completes without asking when the client declared neither", async () => {
    const { host, result } = await call(tool, {}, { roots: {} });
    expect(host.asks).toEqual([]);
    expect(onlyText(result)).toBe("No supported capabilities declared");
  });
});
