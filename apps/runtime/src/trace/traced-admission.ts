/**
 * @module Tool admission (rate limits, budgets) inside a `limits.admit` span under the request's
 * span. Used only under `serve --trace`; a synchronous (in-memory) admission stays synchronous, so
 * the call gains no event-loop turn.
 */
import type { RequestContext, ToolAdmission } from "@mcp-runtime/protocol";
import type { Tracing } from "@mcp-runtime/telemetry";
import { Observation } from "../telemetry/request-observer.js";

export class TracedAdmission implements ToolAdmission {
  constructor(
    private readonly inner: ToolAdmission,
    private readonly tracing: Tracing,
  ) {}

  admitTool(name: string, ctx: RequestContext): undefined | Promise<void> {
    const observation = ctx.observation;
    const parent = observation instanceof Observation ? observation.span : undefined;
    if (parent === undefined || !parent.recording) return this.inner.admitTool(name, ctx);
    const span = this.tracing.startSpan("limits.admit", parent, { "gen_ai.tool.name": name }, "internal");
    let pending: undefined | Promise<void>;
    try {
      pending = this.inner.admitTool(name, ctx);
    } catch (cause) {
      span.error("refused");
      span.end();
      throw cause;
    }
    if (pending === undefined) {
      span.end();
      return undefined;
    }
    return pending.then(
      () => span.end(),
      (cause: unknown) => {
        span.error("refused");
        span.end();
        throw cause;
      },
    );
  }
}
