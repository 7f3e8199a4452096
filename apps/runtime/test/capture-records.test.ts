/**
 * Issue 17 (runtime side): what `CallCapture` builds from one finished call, in process: dot paths
 * cross arrays, the call's own objects are never changed, a JSON-RPC error is kept as its code,
 * and cancelled calls and the runtime's eval calls are not captured.
 */
import type { CapturedCall } from "@mcp-runtime/telemetry";
import { describe, expect, it } from "vitest";
import { EVAL_SUBJECT } from "../src/evals/subject.js";
import { createLogger } from "../src/logger.js";
import { CallCapture } from "../src/telemetry/capture.js";

function capturing(redact: string[]) {
  const records: CapturedCall[] = [];
  const capture = CallCapture.create(
    { maxRecordBytes: 65_536, tools: { t: { redact } } },
    {
      sink: { capture: (record) => records.push(JSON.parse(record) as CapturedCall) },
      metrics: undefined,
      logger: createLogger({ level: "error" }),
    },
  );
  if (capture === undefined) throw new Error("capture should be on");
  return { capture, records };
}

const request = (args: Record<string, unknown>) => ({
  jsonrpc: "2.0" as const,
  id: 1,
  method: "tools/call",
  params: { name: "t", arguments: args },
});

describe("CallCapture", () => {
  it("is not built when no tool is named", () => {
    const sink = { capture() {} };
    expect(
      CallCapture.create(
        { maxRecordBytes: 1, tools: {} },
        { sink, metrics: undefined, logger: createLogger() },
      ),
    ).toBeUndefined();
  });

  it("redacts through arrays and leaves the call's own objects as they were", () => {
    const { capture, records } = capturing(["items.secret", "token", "absent.path"]);
    const args = { token: "t0k", items: [{ secret: 1, keep: 2 }, { keep: 3 }, "plain"] };
    const structured = { items: [{ secret: "s", keep: true }] };
    const response = {
      jsonrpc: "2.0" as const,
      id: 1,
      result: { content: [], structuredContent: structured, _meta: { x: 1 } },
    };
    capture.record("t", "alice", request(args), response, 1.23456);
    expect(records[0]).toMatchObject({
      tool: "t",
      era: "legacy",
      arguments: { token: "[redacted]", items: [{ secret: "[redacted]", keep: 2 }, { keep: 3 }, "plain"] },
      result: { content: [], structuredContent: { items: [{ secret: "[redacted]", keep: true }] } },
      durationMs: 1.235,
    });
    expect(records[0]?.result).not.toHaveProperty("_meta");
    expect(args.token).toBe("t0k");
    expect(structured.items[0]?.secret).toBe("s");
    expect(response.result._meta).toEqual({ x: 1 });
  });

  it("keeps a JSON-RPC error's code, and skips cancelled calls, eval calls and other tools", () => {
    const { capture, records } = capturing([]);
    const error = { jsonrpc: "2.0" as const, id: 1, error: { code: -32602, message: "bad" } };
    capture.record("t", undefined, request({ a: 1 }), error, 1);
    capture.record("t", undefined, request({ a: 2 }), undefined, 1);
    capture.record("t", EVAL_SUBJECT, request({ a: 3 }), error, 1);
    capture.record("other", undefined, request({ a: 4 }), error, 1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ arguments: { a: 1 }, errorCode: -32602 });
    expect(records[0]).not.toHaveProperty("result");
  });
});
