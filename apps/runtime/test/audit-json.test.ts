import type { ToolCallEvent } from "@mcp-runtime/telemetry";
import { describe, expect, it } from "vitest";
import { type ToolCallFields, toolCallJson } from "../src/telemetry/audit-json.js";

/** The event as the object the sidecar's schema describes, built in the documented key order. */
function asObject(f: ToolCallFields): ToolCallEvent {
  const event: ToolCallEvent = {
    type: "tool_call",
    ts: f.ts,
    tool: f.tool,
    era: f.era,
    outcome: f.outcome,
    durationMs: f.durationMs,
  };
  if (f.subject !== undefined) event.subject = f.subject;
  if (f.plugin !== undefined) event.plugin = f.plugin;
  if (f.code !== undefined) event.code = f.code;
  if (f.traceId !== undefined) event.traceId = f.traceId;
  return event;
}

describe("toolCallJson", () => {
  const names = [
    "echo",
    'say "hi"',
    "back\\slash",
    "línea\nnueva",
    "tab\there",
    "\u0001ctl",
    "emoji 🎉",
    "\ud800lone",
  ];
  const outcomes = ["ok", "error", "tool_error", "cancelled", "input_required"] as const;

  it("writes exactly what JSON.stringify writes for the same event, optional fields or not", () => {
    let checked = 0;
    for (const tool of names)
      for (const outcome of outcomes)
        for (const optional of [false, true]) {
          const fields: ToolCallFields = {
            ts: 1_765_000_000_123,
            tool,
            era: optional ? "modern" : "legacy",
            outcome,
            durationMs: optional ? 0.123 : 1234.5,
            subject: optional ? `user ${tool}` : undefined,
            plugin: optional ? `@acme/${tool}` : undefined,
            code: optional ? -32602 : undefined,
            traceId: optional ? "4bf92f3577b34da6a3ce929d0e0e4736" : undefined,
          };
          const json = toolCallJson(fields);
          expect(json).toBe(JSON.stringify(asObject(fields)));
          expect(JSON.parse(json)).toEqual(asObject(fields));
          checked++;
        }
    expect(checked).toBe(names.length * outcomes.length * 2);
  });

  it("gives the same text the second time a name is seen (the quoted-name cache)", () => {
    const fields: ToolCallFields = {
      ts: 1,
      tool: 'x"y',
      era: "modern",
      outcome: "ok",
      durationMs: 2,
      subject: undefined,
      plugin: 'p"q',
      code: undefined,
      traceId: undefined,
    };
    expect(toolCallJson(fields)).toBe(toolCallJson({ ...fields }));
    expect(toolCallJson(fields)).toBe(
      '{"type":"tool_call","ts":1,"tool":"x\\"y","era":"modern","outcome":"ok","durationMs":2,"plugin":"p\\"q"}',
    );
  });
});
