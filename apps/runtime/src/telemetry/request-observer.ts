/**
 * @module The runtime's `RequestObserver`: for every request one observation that feeds the
 * request metrics, the request's span, the debug access log line and (for `tools/call`) the audit
 * event. Built only when some telemetry is on; with everything off the server has no observer and
 * the hot path pays one property read.
 */
import type {
  JsonObject,
  JsonRpcRequest,
  JsonRpcResponse,
  RequestObserver,
  ServerSession,
} from "@mcp-runtime/protocol";
import { claimsModernEra, MetaKey } from "@mcp-runtime/protocol";
import { type CallOutcome, hashId, parseTraceparent, type RuntimeMetrics } from "@mcp-runtime/telemetry";
import type { SpanHandle, Tracing } from "@mcp-runtime/telemetry/tracing";
import type { Logger } from "../logger.js";
import { toolCallJson } from "./audit-json.js";
import type { CallCapture } from "./capture.js";

/** One request in flight; `span` is what child spans (sandbox, queue) hang under. */
export class Observation {
  constructor(
    readonly startedAt: number,
    readonly tool: string,
    readonly span: SpanHandle | undefined,
    readonly subject: string | undefined,
    readonly sessionId: string | undefined,
  ) {}
}

/** Where `tools/call` audit events go (the sidecar link's buffer), as `ToolCallEvent` JSON text. */
export interface AuditSink {
  pushJson(event: string): void;
}

export interface RequestObserverParts {
  metrics?: RuntimeMetrics | undefined;
  tracing?: Tracing | undefined;
  audit?: AuditSink | undefined;
  logger: Logger;
  /** the plugin id that serves a tool, for span attributes and audit records */
  pluginOf(tool: string): string | undefined;
  /** capture of named tools' calls; undefined when capture is off */
  capture?: CallCapture | undefined;
}

export class RuntimeRequestObserver implements RequestObserver<Observation> {
  private readonly metrics: RuntimeMetrics | undefined;
  private readonly tracing: Tracing | undefined;
  private readonly audit: AuditSink | undefined;
  private readonly logger: Logger;
  private readonly pluginOf: (tool: string) => string | undefined;
  /** replaced by each applied reload; undefined (capture off) costs the hot path one field read */
  capture: CallCapture | undefined;

  constructor(parts: RequestObserverParts) {
    this.capture = parts.capture;
    this.metrics = parts.metrics;
    this.tracing = parts.tracing;
    this.audit = parts.audit;
    this.logger = parts.logger;
    this.pluginOf = parts.pluginOf;
  }

  start(request: JsonRpcRequest, session: ServerSession): Observation {
    this.metrics?.requestStarted();
    const params = request.params;
    const tool = request.method === "tools/call" && typeof params?.name === "string" ? params.name : "";
    let span: SpanHandle | undefined;
    if (this.tracing !== undefined) {
      const meta = params?._meta as JsonObject | undefined;
      const parent = meta === undefined ? undefined : parseTraceparent(meta.traceparent, meta.tracestate);
      span = this.tracing.startSpan(
        tool === "" ? request.method : `${request.method} ${tool}`,
        parent,
        undefined,
        "server",
      );
      // Attribute work is skipped for spans the sampler dropped.
      if (span.recording) this.describe(span, request, session, tool, meta);
    }
    return new Observation(performance.now(), tool, span, session.subject, session.id);
  }

  end(observation: Observation, request: JsonRpcRequest, response: JsonRpcResponse | undefined): void {
    const seconds = (performance.now() - observation.startedAt) / 1000;
    let outcome: CallOutcome = "ok";
    let code: number | undefined;
    if (response === undefined) outcome = "cancelled";
    else if ("error" in response) {
      outcome = "error";
      code = response.error.code;
    } else if (response.result.isError === true) outcome = "tool_error";
    else if (response.result.resultType === "input_required") outcome = "input_required";
    const { tool, span } = observation;
    const metrics = this.metrics;
    if (metrics !== undefined) {
      metrics.requestFinished();
      metrics.observeRequest(request.method, tool, outcome, seconds, code);
    }
    const wantsLog = this.logger.enabled("debug");
    const size =
      (span?.recording || wantsLog) && response !== undefined ? JSON.stringify(response).length : 0;
    if (span !== undefined) {
      if (span.recording) {
        span.setAttribute("mcp.status", outcome);
        span.setAttribute("mcp.response.size", size);
      }
      if (code !== undefined) span.error(`JSON-RPC error ${code}`, code);
      else if (outcome === "tool_error") span.error("tool returned isError");
      span.end();
    }
    if (tool !== "" && this.audit !== undefined) {
      this.audit.pushJson(
        toolCallJson({
          ts: Date.now(),
          tool,
          era: claimsModernEra(request.params?._meta as JsonObject | undefined) ? "modern" : "legacy",
          outcome,
          durationMs: Math.round(seconds * 1e6) / 1e3,
          subject: observation.subject,
          plugin: this.pluginOf(tool),
          code,
          traceId: span?.traceId,
        }),
      );
    }
    if (this.capture !== undefined && tool !== "")
      this.capture.record(tool, observation.subject, request, response, seconds * 1000);
    if (wantsLog) {
      // The seed's access-log fields; ids hashed, no inputs or outputs.
      this.logger.debug({
        msg: "request",
        tid: span?.traceId,
        session_id: observation.sessionId === undefined ? undefined : hashId(observation.sessionId),
        method: request.method,
        tool_name: tool === "" ? undefined : tool,
        status: outcome,
        code,
        latency_ms: Math.round(seconds * 1e6) / 1e3,
        response_bytes: size,
      });
    }
  }

  private describe(
    span: SpanHandle,
    request: JsonRpcRequest,
    session: ServerSession,
    tool: string,
    meta: JsonObject | undefined,
  ): void {
    span.setAttribute("mcp.method.name", request.method);
    span.setAttribute("jsonrpc.request.id", String(request.id));
    const modern = claimsModernEra(meta);
    span.setAttribute("mcp.era", modern ? "modern" : "legacy");
    const version = modern ? meta?.[MetaKey.protocolVersion] : session.protocolVersion;
    if (typeof version === "string") span.setAttribute("mcp.protocol.version", version);
    if (tool !== "") {
      span.setAttribute("gen_ai.tool.name", tool);
      const plugin = this.pluginOf(tool);
      if (plugin !== undefined) span.setAttribute("mcp.plugin.id", plugin);
    }
    if (session.id !== undefined) span.setAttribute("mcp.session.id", hashId(session.id));
    if (session.subject !== undefined) span.setAttribute("enduser.id", hashId(session.subject));
  }
}
