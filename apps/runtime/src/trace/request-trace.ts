/**
 * @module `serve --trace`: an in-process `Tracing` that keeps each request's spans in memory and,
 * when the request's root span ends, logs one line with the request's total time and the time
 * spent in each phase. It rides on the spans the runtime already makes for OpenTelemetry (the
 * request, `sandbox.call`, `upstream.call`, `queue.submit`), plus `limits.admit` under --trace
 * only; with `--trace` off nothing of it exists and the hot path pays nothing.
 */
import { randomBytes } from "node:crypto";
import {
  type Attributes,
  type AttributeValue,
  formatTraceparent,
  type Logger,
  type SpanHandle,
  type TraceParent,
  type Tracing,
} from "@mcp-runtime/telemetry";

/** Span name → phase name in the trace line; other spans keep their own name. */
const PHASES: Readonly<Record<string, string>> = {
  "limits.admit": "admission",
  "sandbox.call": "sandbox",
  "upstream.call": "upstream",
  "queue.submit": "queue",
};
/** the request's own time outside every child span: validation, routing, the protocol core */
const OWN_PHASE = "protocol";

const round = (ms: number) => Math.round(ms * 1000) / 1000;

class RecordedSpan implements SpanHandle {
  readonly recording = true;
  readonly spanId = randomBytes(8).toString("hex");
  readonly startedAt = performance.now();
  endedAt: number | undefined;
  readonly children: RecordedSpan[] = [];
  readonly attributes: Record<string, AttributeValue> = {};
  errorMessage: string | undefined;

  constructor(
    readonly name: string,
    readonly traceId: string,
    private readonly root: boolean,
    private readonly finished: (span: RecordedSpan) => void,
  ) {}

  setAttribute(key: string, value: AttributeValue): void {
    this.attributes[key] = value;
  }

  setAttributes(attributes: Attributes): void {
    for (const [key, value] of Object.entries(attributes))
      if (value !== undefined) this.attributes[key] = value;
  }

  error(message: string, code?: number): void {
    this.errorMessage = message;
    if (code !== undefined) this.attributes["rpc.jsonrpc.error_code"] = code;
  }

  end(): void {
    if (this.endedAt !== undefined) return;
    this.endedAt = performance.now();
    if (this.root) this.finished(this);
  }

  traceparent(): string {
    return formatTraceparent(this.traceId, this.spanId);
  }

  get durationMs(): number {
    return (this.endedAt ?? performance.now()) - this.startedAt;
  }
}

/** Adds each span's own time (its duration less its children's) to its phase. */
function addPhases(span: RecordedSpan, phases: Map<string, number>): void {
  let children = 0;
  for (const child of span.children) {
    children += child.durationMs;
    addPhases(child, phases);
  }
  const phase = PHASES[span.name] ?? span.name;
  // Children that overlap (parallel work) could exceed their parent; its own time is then 0.
  phases.set(phase, (phases.get(phase) ?? 0) + Math.max(0, span.durationMs - children));
}

export type RequestTraceLine = {
  msg: "trace";
  tid: string;
  method: string;
  tool?: string;
  era?: string;
  transport: string;
  status: string;
  code?: number;
  total_ms: number;
  /** phase → ms; they add up to `total_ms` (the remainder is `protocol`) */
  phases: Record<string, number>;
};

export class RequestTrace implements Tracing {
  readonly enabled = true;

  constructor(
    private readonly logger: Logger,
    private readonly transport: string,
  ) {}

  startSpan(name: string, parent: TraceParent | SpanHandle | undefined): SpanHandle {
    if (parent instanceof RecordedSpan) {
      const child = new RecordedSpan(name, parent.traceId, false, () => {});
      parent.children.push(child);
      return child;
    }
    const traceId = parent?.traceId ?? randomBytes(16).toString("hex");
    return new RecordedSpan(name, traceId, true, (root) => this.logger.info(this.line(root)));
  }

  line(root: RecordedSpan): RequestTraceLine {
    const total = round(root.durationMs);
    const measured = new Map<string, number>();
    for (const child of root.children) addPhases(child, measured);
    const phases: Record<string, number> = {};
    let sum = 0;
    for (const [phase, ms] of measured) {
      phases[phase] = round(ms);
      sum += phases[phase];
    }
    // Rounded so that the phases never add up to more than the total.
    phases[OWN_PHASE] = Math.max(0, round(total - sum));
    const { attributes } = root;
    const tool = attributes["gen_ai.tool.name"];
    const era = attributes["mcp.era"];
    const code = attributes["rpc.jsonrpc.error_code"];
    return {
      msg: "trace",
      tid: root.traceId,
      method: String(attributes["mcp.method.name"] ?? root.name),
      ...(typeof tool === "string" ? { tool } : {}),
      ...(typeof era === "string" ? { era } : {}),
      transport: this.transport,
      status: String(attributes["mcp.status"] ?? (root.errorMessage === undefined ? "ok" : "error")),
      ...(typeof code === "number" ? { code } : {}),
      total_ms: total,
      phases,
    };
  }

  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}
