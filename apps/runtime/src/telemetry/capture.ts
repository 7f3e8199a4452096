/**
 * @module Capture of the calls of the tools named in `telemetry.capture.tools`, for replay by the
 * sidecar: each finished call becomes a `CapturedCall` (arguments and result, with the configured
 * dot paths replaced by "[redacted]") handed to the sidecar link as JSON text. Built only when some
 * tool is named, so with capture off the request observer holds `undefined` and pays one field read.
 */
import { randomUUID } from "node:crypto";
import type { CaptureConfig } from "@mcp-runtime/config";
import {
  claimsModernEra,
  type JsonObject,
  type JsonRpcRequest,
  type JsonRpcResponse,
} from "@mcp-runtime/protocol";
import type { CapturedCall, RuntimeMetrics } from "@mcp-runtime/telemetry";
import { EVAL_SUBJECT } from "../evals/subject.js";
import type { Logger } from "../logger.js";

/** Where captured calls go (the sidecar link). */
export interface CaptureSink {
  capture(record: string): void;
}

export interface CaptureParts {
  sink: CaptureSink;
  metrics: RuntimeMetrics | undefined;
  logger: Logger;
}

const REDACTED = "[redacted]";

export class CallCapture {
  /** tool name -> its redaction paths, split once */
  private readonly rules: ReadonlyMap<string, readonly (readonly string[])[]>;
  private readonly maxRecordBytes: number;
  private readonly parts: CaptureParts;
  /** tools whose oversized call was logged already (once per tool per config) */
  private readonly warnedTooLarge = new Set<string>();

  private constructor(settings: CaptureConfig, parts: CaptureParts) {
    this.rules = new Map(
      Object.entries(settings.tools).map(([tool, rule]) => [
        tool,
        rule.redact.map((path) => path.split(".")),
      ]),
    );
    this.maxRecordBytes = settings.maxRecordBytes;
    this.parts = parts;
  }

  /** The capture for these settings, or undefined when they name no tool (capture off). */
  static create(settings: CaptureConfig, parts: CaptureParts): CallCapture | undefined {
    return Object.keys(settings.tools).length === 0 ? undefined : new CallCapture(settings, parts);
  }

  /**
   * Captures one finished `tools/call` if its tool is named. Not captured: cancelled calls (no
   * outcome to replay against) and the runtime's own eval calls (synthetic, not traffic).
   */
  record(
    tool: string,
    subject: string | undefined,
    request: JsonRpcRequest,
    response: JsonRpcResponse | undefined,
    durationMs: number,
  ): void {
    const paths = this.rules.get(tool);
    if (paths === undefined || response === undefined || subject === EVAL_SUBJECT) return;
    try {
      const params = request.params;
      const args = params?.arguments;
      const call: CapturedCall = {
        id: randomUUID(),
        ts: Date.now(),
        tool,
        era: claimsModernEra(params?._meta as JsonObject | undefined) ? "modern" : "legacy",
        arguments: isObject(args) ? (redact(args, paths) as Record<string, unknown>) : {},
        durationMs: Math.round(durationMs * 1e3) / 1e3,
      };
      if ("error" in response) call.errorCode = response.error.code;
      else {
        const { _meta: _, ...result } = response.result;
        if (isObject(result.structuredContent))
          result.structuredContent = redact(result.structuredContent, paths) as JsonObject;
        call.result = result;
      }
      this.send(tool, JSON.stringify(call));
    } catch (cause) {
      // The observer must never throw into the request path.
      this.parts.logger.debug({ msg: "call not captured", tool, error: String(cause) });
    }
  }

  private send(tool: string, json: string): void {
    const max = this.maxRecordBytes;
    // UTF-8 is 1 to 3 bytes per UTF-16 unit: the exact count is only needed near the bound.
    const tooLarge = json.length > max || (json.length * 3 > max && Buffer.byteLength(json) > max);
    if (!tooLarge) {
      this.parts.sink.capture(json);
      return;
    }
    this.parts.metrics?.captureDropped("too_large");
    if (this.warnedTooLarge.has(tool)) return;
    this.warnedTooLarge.add(tool);
    this.parts.logger.warn({
      msg: "captured call larger than telemetry.capture.maxRecordBytes; not captured",
      tool,
      bytes: Buffer.byteLength(json),
      limit: max,
    });
  }
}

/** `value` with every path replaced by "[redacted]"; copies what it changes, never the input. */
function redact(value: unknown, paths: readonly (readonly string[])[]): unknown {
  let out = value;
  for (const path of paths) out = redactAt(out, path, 0);
  return out;
}

// Arrays on the way are crossed element by element ("items.secret" reaches every item's secret).
function redactAt(value: unknown, path: readonly string[], depth: number): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item) => {
      const next = redactAt(item, path, depth);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? items : value;
  }
  const key = path[depth];
  if (!isObject(value) || key === undefined || !Object.hasOwn(value, key)) return value;
  const next = depth === path.length - 1 ? REDACTED : redactAt(value[key], path, depth + 1);
  return next === value[key] ? value : { ...value, [key]: next };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
