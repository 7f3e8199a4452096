/**
 * @module The executor contract: how the runtime runs plugin code. The in-process executor
 * implements it today; the sandbox (worker threads, child processes) implements the same
 * interface, so nothing above this line changes when plugins move out of the main thread.
 */

import type { PluginHost } from "@mcp-runtime/sandbox";
import type { ResolvedPlugin } from "../plugins/resolve.js";

// One contract for every executor: the sandbox package owns it (it cannot depend on the app).
export type { Completion, CompletionRef, InputCheck, PluginHost } from "@mcp-runtime/sandbox";

export interface Executor {
  readonly kind: string;
  load(plugin: ResolvedPlugin): Promise<PluginHost>;
  close(): Promise<void>;
}
