/**
 * @module Which tools run as jobs, and how: from the plugin manifest (`longRunning`, `batch`), the
 * tool's annotations (`idempotentHint` allows retries and coalescing identical calls) and an
 * optional `_meta["dev.mcp-runtime/task"]` object `{ support: "optional" | "required", inlineMs,
 * retries }` on the tool.
 */
import type { PluginManifest } from "@mcp-runtime/plugin-sdk/host";
import type { TaskPolicy } from "@mcp-runtime/protocol";
import type { RetryPolicy } from "@mcp-runtime/queue";

export const TASK_META_KEY = "dev.mcp-runtime/task";

export interface ToolJobPolicy {
  task: TaskPolicy;
  retry: RetryPolicy;
  /** calls are grouped into batch jobs of this window */
  batch?: { maxSize: number; maxWaitMs: number };
  /** identical concurrent calls share one execution (idempotent, unbatched tools) */
  coalesce: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads the policies of one plugin's tools; tools with neither flag nor `_meta` run inline. */
export function toolPolicies(manifest: PluginManifest, longCallMs: number): Map<string, ToolJobPolicy> {
  const policies = new Map<string, ToolJobPolicy>();
  const longRunning = new Set(manifest.longRunningTools);
  // Older manifests (hosts built before batching) have no list.
  const batchable = new Map((manifest.batchableTools ?? []).map((b) => [b.name, b]));
  for (const tool of manifest.tools) {
    const meta = tool._meta?.[TASK_META_KEY];
    const batch = batchable.get(tool.name);
    if (!longRunning.has(tool.name) && !isObject(meta) && !batch) continue;
    const declared = isObject(meta) ? meta : {};
    const support = declared.support === "required" ? "required" : "optional";
    const inlineMs =
      typeof declared.inlineMs === "number" && declared.inlineMs >= 0
        ? declared.inlineMs
        : longRunning.has(tool.name)
          ? 0
          : longCallMs;
    const idempotent = tool.annotations?.idempotentHint === true;
    const retries = typeof declared.retries === "number" && declared.retries >= 0 ? declared.retries : 2;
    policies.set(tool.name, {
      task: { support, inlineMs },
      // Only idempotent work may run twice: after a thrown error or after its worker died.
      retry: idempotent
        ? { attempts: 1 + retries, backoffMs: 200, retryOnWorkerLoss: true }
        : { attempts: 1, backoffMs: 0, retryOnWorkerLoss: false },
      ...(batch ? { batch: { maxSize: batch.maxSize, maxWaitMs: batch.maxWaitMs } } : {}),
      coalesce: idempotent && !batch,
    });
  }
  return policies;
}
