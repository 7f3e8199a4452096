/**
 * @module Which config changes a running runtime can apply in place. Everything else (ports,
 * transports, backends, the sidecar address) needs a restart; a reload that touches any of it is
 * refused whole, so a runtime never runs half of one config and half of another.
 */
import type { ConfigChange } from "@mcp-runtime/config";

/** Paths (and everything under them) applied live. */
const LIVE_PREFIXES = [
  "plugins",
  "upstreams",
  "auth.tokens",
  "auth.oauth.scopes",
  "limits",
  "cache.ttlSeconds",
  "cache.resources",
  "cache.tools",
  "cache.largeResultBytes",
  "cache.largeResultTtlSeconds",
  "telemetry.logLevel",
  "telemetry.capture",
  "evals",
] as const;

/** Paths under a live prefix that still need a restart (they pick a backend). */
const RESTART_ONLY = ["limits.backend"] as const;

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

function isLive(path: string): boolean {
  if (RESTART_ONLY.some((prefix) => under(path, prefix))) return false;
  return LIVE_PREFIXES.some((prefix) => under(path, prefix));
}

/** One line per change that cannot be applied live, or an empty list. */
export function restartOnlyChanges(changes: readonly ConfigChange[]): string[] {
  return changes
    .filter((change) => !isLive(change.path))
    .map((change) => `${change.path}: cannot change while running (restart the runtime to apply it)`);
}
