/**
 * @module The plugin host's own entry: runs inside a worker thread or a child process, imports the
 * plugin by path, and serves batched calls from the main thread. Host calls (progress, log,
 * elicit, sample, listRoots, notify) go back as messages; elicit/sample/listRoots await answers,
 * and protocol signals thrown on the main side are rebuilt here as the same classes.
 */
import { pathToFileURL } from "node:url";
import { parentPort } from "node:worker_threads";
import type { ChangeNotifier, Plugin } from "@mcp-runtime/plugin-sdk";
import { type HostCallContext, PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import type {
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  JsonObject,
  ListRootsResult,
  LoggingLevel,
} from "@mcp-runtime/protocol";
import { CallTable } from "./call-table.js";
import {
  type AskOp,
  type CallMessage,
  type CallMeta,
  type FromHost,
  fromWireError,
  type Outcome,
  type PluginInit,
  type ToHost,
  toWireError,
} from "./wire.js";

type Post = (message: FromHost) => void;

function channel(): { post: Post; listen(fn: (message: ToHost) => void): void } {
  const port = parentPort;
  if (port) {
    return { post: (m) => port.postMessage(m), listen: (fn) => port.on("message", fn) };
  }
  // Child process mode: IPC with serialization "advanced" (structured clone, like postMessage).
  const send = process.send?.bind(process);
  if (!send) throw new Error("the plugin host must run in a worker thread or a forked process");
  return { post: (m) => send(m), listen: (fn) => process.on("message", fn as (m: unknown) => void) };
}

const { post, listen } = channel();
let instance: PluginInstance | undefined;
let nextAsk = 1;
const asks = new Map<number, { resolve(value: unknown): void; reject(cause: Error): void }>();
// Calls by id, for abort messages (see CallTable for why not a Map).
const running = new CallTable<RemoteCallContext>();

let outbox: Outcome[] = [];
let flushing = false;
function flush(): void {
  flushing = false;
  const results = outbox;
  outbox = [];
  try {
    post({ t: "results", results });
  } catch {
    // A value that cannot be cloned fails its own call, not the batch.
    post({
      t: "results",
      results: results.map((r) => {
        try {
          structuredClone(r);
          return r;
        } catch {
          return {
            id: r.id,
            ok: false,
            error: { kind: "error", message: "the plugin returned a value that cannot be sent" },
          };
        }
      }),
    });
  }
}
function settle(outcome: Outcome): void {
  running.delete(outcome.id);
  // The call that exited gets the crash error from the pool when the host is gone.
  if (exiting !== undefined && outcome.id === exiting.culprit) return;
  outbox.push(outcome);
  if (!flushing) {
    flushing = true;
    queueMicrotask(flush);
  }
}

/**
 * `process.exit` from plugin code. Killing the host at once would also kill every call that merely
 * shared it: in a batch, calls after the exiting one never started and calls before it have
 * answers still in microtasks. So the exit throws (plugin code after it does not run), lets the
 * thread's current microtasks settle and send their results, hands back the calls that never
 * started, and exits for real when the pool answers `release` (or after a bound).
 */
class PluginExit extends Error {
  constructor(code: number) {
    super(`the plugin called process.exit(${code}); its host is being restarted`);
  }
}
let exiting: { code: number; culprit: number | undefined; unstarted: number[] } | undefined;
/** the call whose handler is running synchronously; a synchronous exit names it */
let current: number | undefined;
const realExit = process.exit.bind(process);
const EXIT_BOUND_MS = 2_000;

function handBack(): void {
  if (exiting === undefined || exiting.unstarted.length === 0) return;
  post({ t: "exiting", unstarted: exiting.unstarted });
  exiting.unstarted = [];
}

process.exit = ((code?: number | string | null) => {
  const numeric = Number(code ?? process.exitCode ?? 0) || 0;
  if (exiting === undefined) {
    exiting = { code: numeric, culprit: current, unstarted: [] };
    setImmediate(() => {
      // Announce even with nothing to hand back: the pool stops sending calls and releases us.
      post({ t: "exiting", unstarted: exiting?.unstarted.splice(0) ?? [] });
    });
    setTimeout(() => realExit(numeric), EXIT_BOUND_MS);
  }
  throw new PluginExit(numeric);
}) as typeof process.exit;

/** HostCallContext of one call in this thread: data copied from the main side, methods as messages. */
class RemoteCallContext implements HostCallContext {
  private controller: AbortController | undefined;
  private abortedWith: Error | undefined;
  private notifier: ChangeNotifier | undefined;
  constructor(
    private readonly message: CallMessage,
    private readonly meta: CallMeta | undefined,
  ) {}
  /**
   * Made on first use: most handlers never look at their signal, and an AbortController per call
   * was a sixth of a busy host's time, with the garbage it leaves behind.
   */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortedWith !== undefined) this.controller.abort(this.abortedWith);
    }
    return this.controller.signal;
  }
  get cancelled(): boolean {
    return this.abortedWith !== undefined;
  }
  abort(reason: Error): void {
    this.abortedWith ??= reason;
    this.controller?.abort(reason);
  }
  get notify(): ChangeNotifier {
    const id = this.message.id;
    this.notifier ??= {
      listChanged: (kind) => post({ t: "notify", id, kind: "listChanged", arg: kind }),
      resourceUpdated: (uri) => post({ t: "notify", id, kind: "resourceUpdated", arg: uri }),
    };
    return this.notifier;
  }
  get progressToken() {
    return this.meta?.progressToken;
  }
  get subject() {
    return this.meta?.subject;
  }
  get protocolVersion() {
    return this.meta?.protocolVersion ?? "";
  }
  get clientCapabilities() {
    return (this.meta?.clientCapabilities ?? {}) as ClientCapabilities;
  }
  progress(progress: number, total?: number, message?: string): void {
    const m: FromHost = { t: "progress", id: this.message.id, progress };
    if (total !== undefined) m.total = total;
    if (message !== undefined) m.message = message;
    post(m);
  }
  log(level: LoggingLevel, message: string, data?: unknown): void {
    post(
      data === undefined
        ? { t: "log", id: this.message.id, level, message }
        : { t: "log", id: this.message.id, level, message, data },
    );
  }
  elicit(params: ElicitRequestParams, options?: { key?: string }): Promise<ElicitResult> {
    return this.ask("elicit", [params, options]) as Promise<ElicitResult>;
  }
  sample(params: CreateMessageRequestParams, options?: { key?: string }): Promise<CreateMessageResult> {
    return this.ask("sample", [params, options]) as Promise<CreateMessageResult>;
  }
  listRoots(options?: { key?: string }): Promise<ListRootsResult> {
    return this.ask("listRoots", [options]) as Promise<ListRootsResult>;
  }
  private ask(op: AskOp, args: unknown[]): Promise<unknown> {
    const ask = nextAsk++;
    return new Promise((resolve, reject) => {
      asks.set(ask, { resolve, reject });
      post({ t: "ask", id: this.message.id, ask, op, args });
    });
  }
}

async function run(plugin: PluginInstance, message: CallMessage, host: RemoteCallContext): Promise<unknown> {
  const a = message.args;
  switch (message.op) {
    case "tool":
      return plugin.callTool(a[0] as string, a[1] as JsonObject, host);
    case "resource":
      return plugin.readResource(a[0] as string, host);
    case "template":
      return plugin.readTemplate(a[0] as string, a[1] as string, a[2] as Record<string, string>, host);
    case "prompt":
      return plugin.getPrompt(a[0] as string, a[1] as Record<string, string>, host);
    case "complete":
      return plugin.complete(
        a[0] as Parameters<PluginInstance["complete"]>[0],
        a[1] as string,
        a[2] as string,
        a[3] as Record<string, string>,
      );
  }
}

/** The meta the pool asked this host to remember, and its number (see CallMessage.meta). */
let sharedMeta: CallMeta | undefined;
let sharedRef = -1;

function metaOf(message: CallMessage): CallMeta | undefined {
  const meta = message.meta;
  if (typeof meta === "number") return meta === sharedRef ? sharedMeta : undefined;
  if (message.remember !== undefined) {
    sharedMeta = meta;
    sharedRef = message.remember;
  }
  return meta;
}

function start(message: CallMessage): void {
  const meta = metaOf(message);
  const plugin = instance;
  if (!plugin) {
    settle({ id: message.id, ok: false, error: { kind: "error", message: "plugin host not initialised" } });
    return;
  }
  if (exiting !== undefined) {
    exiting.unstarted.push(message.id);
    return;
  }
  const context = new RemoteCallContext(message, meta);
  running.set(message.id, context);
  current = message.id;
  try {
    run(plugin, message, context).then(
      (value) => settle({ id: message.id, ok: true, value }),
      (cause: unknown) => settle({ id: message.id, ok: false, error: toWireError(cause) }),
    );
  } finally {
    current = undefined;
  }
}

async function init(data: PluginInit): Promise<void> {
  try {
    const loaded = (await import(pathToFileURL(data.modulePath).href)) as { default: Plugin };
    instance = await PluginInstance.create(loaded.default, {
      config: data.config,
      fsRoots: data.fsRoots,
      netAllow: data.netAllow,
    });
    post({ t: "ready" });
  } catch (cause) {
    post({ t: "init-failed", message: cause instanceof Error ? cause.message : String(cause) });
  }
}

listen((message) => {
  switch (message.t) {
    case "calls":
      for (const call of message.calls) start(call);
      // Calls that reach a host already exiting go straight back.
      if (exiting !== undefined) queueMicrotask(handBack);
      return;
    case "release":
      realExit(exiting?.code ?? 0);
      return;
    case "abort":
      running.get(message.id)?.abort(new Error("cancelled"));
      return;
    case "answer": {
      const pending = asks.get(message.ask);
      if (!pending) return;
      asks.delete(message.ask);
      if (message.outcome.ok) pending.resolve(message.outcome.value);
      else pending.reject(fromWireError(message.outcome.error));
      return;
    }
    case "init":
      void init(message.init);
      return;
  }
});
