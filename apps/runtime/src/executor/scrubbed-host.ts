/**
 * @module The boundary where plugin failures leave for the client (issue 18): wraps any executor's
 * hosts so that `isError` results and thrown errors carry `clientSafeMessage` text, while the log
 * keeps the full text with the plugin, the tool and the request's trace id. A successful call pays
 * one property read (`isError`).
 */
import type { HostCallContext } from "@mcp-runtime/plugin-sdk/host";
import type { CallToolResult, JsonObject } from "@mcp-runtime/protocol";
import type { Logger } from "../logger.js";
import type { ResolvedPlugin } from "../plugins/resolve.js";
import { clientSafeError, clientSafeResult } from "./client-safe.js";
import type { Completion, CompletionRef, Executor, InputCheck, PluginHost } from "./executor.js";

/** A call context that knows its request's trace id (optional: only traced requests have one). */
interface Traced {
  readonly traceId?: string | undefined;
}

function traceIdOf(call: HostCallContext | undefined): string | undefined {
  const id = (call as Traced | undefined)?.traceId;
  return typeof id === "string" ? id : undefined;
}

class ScrubbedHost implements PluginHost {
  readonly id: string;
  readonly manifest: PluginHost["manifest"];
  constructor(
    private readonly inner: PluginHost,
    private readonly logger: Logger,
  ) {
    this.id = inner.id;
    this.manifest = inner.manifest;
  }

  get inFlight(): number {
    return this.inner.inFlight;
  }

  validateToolInput(tool: string, args: JsonObject): InputCheck {
    return this.inner.validateToolInput(tool, args);
  }

  async callTool(tool: string, input: JsonObject, call: HostCallContext): Promise<CallToolResult> {
    let result: CallToolResult;
    try {
      result = await this.inner.callTool(tool, input, call);
    } catch (cause) {
      throw this.safe(cause, { tool }, call);
    }
    if (result.isError !== true) return result;
    const scrubbed = clientSafeResult(result);
    if (scrubbed === undefined) return result;
    this.log({ tool, error: scrubbed.full }, call);
    return scrubbed.result;
  }

  readResource(uri: string, call: HostCallContext) {
    return this.inner.readResource(uri, call).catch((cause: unknown) => {
      throw this.safe(cause, { resource: uri }, call);
    });
  }

  readTemplate(
    key: string,
    uri: string,
    variables: Record<string, string | string[]>,
    call: HostCallContext,
  ) {
    return this.inner.readTemplate(key, uri, variables, call).catch((cause: unknown) => {
      throw this.safe(cause, { resource: uri }, call);
    });
  }

  getPrompt(name: string, args: Record<string, string>, call: HostCallContext) {
    return this.inner.getPrompt(name, args, call).catch((cause: unknown) => {
      throw this.safe(cause, { prompt: name }, call);
    });
  }

  complete(
    ref: CompletionRef,
    argument: string,
    value: string,
    context: Record<string, string>,
  ): Promise<Completion> {
    return this.inner.complete(ref, argument, value, context).catch((cause: unknown) => {
      throw this.safe(cause, { complete: argument }, undefined);
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private safe(cause: unknown, what: Record<string, string>, call: HostCallContext | undefined): unknown {
    const scrubbed = clientSafeError(cause);
    if (scrubbed === undefined) return cause;
    this.log({ ...what, error: scrubbed.full }, call);
    return scrubbed.error;
  }

  private log(event: Record<string, string>, call: HostCallContext | undefined): void {
    const tid = traceIdOf(call);
    this.logger.warn({
      msg: "plugin error scrubbed for the client",
      plugin: this.id,
      ...event,
      ...(tid === undefined ? {} : { tid }),
    });
  }
}

/** Every host this executor loads reaches the client through the scrubbing boundary. */
export class ScrubbingExecutor<E extends Executor> implements Executor {
  readonly kind: string;
  constructor(
    readonly inner: E,
    private readonly logger: Logger,
  ) {
    this.kind = inner.kind;
  }

  async load(plugin: ResolvedPlugin): Promise<PluginHost> {
    return new ScrubbedHost(await this.inner.load(plugin), this.logger);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
