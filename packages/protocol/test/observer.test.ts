import { describe, expect, it } from "vitest";
import type { JsonRpcRequest, JsonRpcResponse, RequestObserver, ServerSession } from "../src/index.js";
import { createHarness, tick } from "./support.js";

interface Seen {
  started: { method: string; session: ServerSession }[];
  ended: { observation: string; method: string; response: JsonRpcResponse | undefined }[];
}

function recordingObserver(): RequestObserver<string> & Seen {
  let n = 0;
  const seen: Seen = { started: [], ended: [] };
  return {
    ...seen,
    start(request: JsonRpcRequest, session: ServerSession) {
      seen.started.push({ method: request.method, session });
      return `obs-${++n}`;
    },
    end(observation: string, request: JsonRpcRequest, response: JsonRpcResponse | undefined) {
      seen.ended.push({ observation, method: request.method, response });
    },
  };
}

describe("McpServer observer", () => {
  it("sees each request start and end with its response, in both eras", async () => {
    const observer = recordingObserver();
    const h = createHarness({ observer });
    await h.initialize();
    await h.request("tools/call", { name: "echo", arguments: { text: "a" } });
    await h.modern("tools/call", { name: "echo", arguments: { text: "b" } });
    await h.request("no/such/method", {});
    expect(observer.started.map((s) => s.method)).toEqual([
      "initialize",
      "tools/call",
      "tools/call",
      "no/such/method",
    ]);
    expect(observer.started[1]?.session).toBe(h.session);
    expect(observer.ended.map((e) => e.observation)).toEqual(["obs-1", "obs-2", "obs-3", "obs-4"]);
    expect(observer.ended[2]?.response && "result" in observer.ended[2].response).toBe(true);
    const unknown = observer.ended[3]?.response;
    expect(unknown && "error" in unknown ? unknown.error.code : undefined).toBe(-32601);
  });

  it("hands its observation to the handler's context, and ends a cancelled request without a response", async () => {
    const observer = recordingObserver();
    const h = createHarness({ observer });
    await h.initialize();
    const pending = h.request("tools/call", { name: "slow", arguments: {} }, 42);
    const ctx = await h.probe.started.promise;
    expect(ctx.observation).toBe("obs-2");
    await h.notify("notifications/cancelled", { requestId: 42 });
    expect(await pending).toBeUndefined();
    await tick();
    expect(observer.ended.at(-1)).toEqual({
      observation: "obs-2",
      method: "tools/call",
      response: undefined,
    });
  });

  it("does not observe notifications", async () => {
    const observer = recordingObserver();
    const h = createHarness({ observer });
    await h.notify("notifications/initialized");
    expect(observer.started).toHaveLength(0);
  });
});

describe("ServerLogger and the observer", () => {
  it("logs a failed tool with the failing request's observation, so the line can carry its trace id", async () => {
    const observer = recordingObserver();
    const logged: { event: Record<string, unknown>; observation: unknown }[] = [];
    const h = createHarness({
      observer,
      logger: { error: (event, observation) => logged.push({ event, observation }), warn() {} },
    });
    await h.initialize();
    await h.request("tools/call", { name: "fail", arguments: {} });
    expect(logged).toEqual([
      { event: expect.objectContaining({ msg: "tool failed", tool: "fail" }), observation: "obs-2" },
    ]);
  });
});
