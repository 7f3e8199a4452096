/**
 * @module One downstream request relayed to an upstream: the upstream session that serves its
 * caller, cancellation, progress, logs, and the upstream's elicitation / sampling / roots requests
 * answered by the downstream client. A 2026-07-28 request cannot wait for the client: asking
 * unwinds it with `input_required`. The upstream call is then cancelled, and the client's retry
 * issues it again from the start; this time the same questions (asked in the same order, so under
 * the same keys) are answered from the retry's `inputResponses`.
 */
import {
  type CallToolResult,
  type CreateMessageRequestParams,
  type ElicitRequestParams,
  InputRequiredSignal,
  type LoggingLevel,
  type RequestContext,
} from "@mcp-runtime/protocol";
import { clientSafeError, clientSafeResult } from "../executor/client-safe.js";
import type { Logger } from "../logger.js";
import { Observation } from "../telemetry/request-observer.js";
import type { Upstream, UpstreamCallOptions, UpstreamSession } from "./types.js";

/** An upstream as calls reach it, with its calls in flight (a replaced one closes once they end). */
export interface RelayTarget {
  readonly id?: string;
  readonly upstream: Upstream;
  inFlight: number;
  /** where the full text of a failure scrubbed for the client goes (with the trace id) */
  log?: Logger | undefined;
}

/**
 * The key of the upstream session that serves a request: its downstream session, else its
 * subject, else the anonymous pool (what `Upstream.session` expects).
 */
export function downstreamKey(ctx: RequestContext): string {
  const id = ctx.sessionId;
  if (id !== undefined) return id;
  const subject = ctx.identity.subject;
  return subject === undefined ? "anon" : `sub:${subject}`;
}

/** Runs `invoke` on the caller's upstream session with the call's options. */
export async function relay<T>(
  target: RelayTarget,
  ctx: RequestContext,
  invoke: (session: UpstreamSession, options: UpstreamCallOptions) => Promise<T>,
): Promise<T> {
  target.inFlight++;
  const call = new RelayedCall(ctx);
  try {
    const session = await target.upstream.session(downstreamKey(ctx));
    const result = await invoke(session, call.options);
    // The upstream may have answered (an error for the question it asked) before the abort landed.
    if (call.unwound !== undefined) throw call.unwound;
    // Failures reach the client without the upstream's paths, stack frames or secrets (issue 18).
    if ((result as { isError?: unknown }).isError === true) {
      const scrubbed = clientSafeResult(result as CallToolResult);
      if (scrubbed !== undefined) {
        logScrubbed(target, ctx, scrubbed.full);
        return scrubbed.result as T;
      }
    }
    return result;
  } catch (cause) {
    if (call.unwound !== undefined) throw call.unwound;
    const scrubbed = clientSafeError(cause);
    if (scrubbed === undefined) throw cause;
    logScrubbed(target, ctx, scrubbed.full);
    throw scrubbed.error;
  } finally {
    call.end();
    target.inFlight--;
  }
}

function logScrubbed(target: RelayTarget, ctx: RequestContext, full: string): void {
  const observation = ctx.observation;
  const tid = observation instanceof Observation ? observation.span?.traceId : undefined;
  target.log?.warn({
    msg: "upstream error scrubbed for the client",
    upstream: target.id ?? target.upstream.id,
    error: full,
    ...(tid === undefined ? {} : { tid }),
  });
}

/**
 * The options of one upstream call. Only what crosses as protocol data goes upstream: the
 * arguments, a progress token of the supervisor's own, and the answers to the upstream's questions;
 * the downstream request's `_meta` and headers (its token) never do.
 */
class RelayedCall {
  readonly options: UpstreamCallOptions;
  unwound: InputRequiredSignal | undefined;
  /** Only a request that can unwind (2026-07-28, or a task) needs a signal of its own. */
  private readonly controller: AbortController | undefined;
  private readonly downstream: AbortSignal;
  private readonly onAbort = (): void => this.controller?.abort(this.downstream.reason);

  constructor(ctx: RequestContext) {
    this.downstream = ctx.signal;
    // A 2025-era request asks its client directly and never unwinds: the downstream signal is
    // enough. An AbortController per call (creation and listeners) was ~7 % of the runtime's busy
    // CPU in a profile of a shared upstream under load, plus its garbage.
    if (ctx.identity.era !== "legacy") {
      this.controller = new AbortController();
      if (this.downstream.aborted) this.controller.abort(this.downstream.reason);
      else this.downstream.addEventListener("abort", this.onAbort, { once: true });
    }
    this.options = {
      signal: this.controller?.signal ?? this.downstream,
      onLog: (level: LoggingLevel, data: unknown, logger: string | undefined) => ctx.log(level, data, logger),
      input: {
        elicit: (params: ElicitRequestParams) => this.ask(ctx.elicit(params)),
        sample: (params: CreateMessageRequestParams) => this.ask(ctx.sample(params)),
        listRoots: () => this.ask(ctx.listRoots()),
      },
    };
    // No progress token upstream unless the downstream caller asked for progress.
    if (ctx.progressToken !== undefined)
      this.options.onProgress = (progress, total, message) => ctx.progress(progress, total, message);
  }

  /** A question the downstream must answer first (2026-07-28): the upstream call is cancelled. */
  private ask<T>(answer: Promise<T>): Promise<T> {
    return answer.catch((cause: unknown) => {
      if (cause instanceof InputRequiredSignal && this.unwound === undefined) {
        this.unwound = cause;
        this.controller?.abort("input required from the downstream client");
      }
      throw cause;
    });
  }

  end(): void {
    if (this.controller) this.downstream.removeEventListener("abort", this.onAbort);
  }
}
