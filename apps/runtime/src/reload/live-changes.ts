/**
 * @module Which config changes a running runtime can apply in place. Everything else (ports,
 * transports, backends, the sidecar address) needs a restart; a reload that touches any of it is
 * refused whole, so a runtime never runs half of one config and half of another.
 */
import type { ConfigChange } from "@mcp-runtime/config";

/** Paths (and everything under them) applied live. */
const LIVE_PREFIXES = [
  "plugins",
  "auth.tokens",
  "auth.oauth.scopes",
  "limits",
  "telemetry.logLevel",
] as const;

function isLive(path: string): boolean {
  return LIVE_PREFIXES.some(
    (prefix) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`),
  );
}

/** One line per change that cannot be applied live, or an empty list. */
export function restartOnlyChanges(changes: readonly ConfigChange[]): string[] {
  return changes
    .filter((change) => !isLive(change.path))
    .map((change) => `${change.path}: cannot change while running (restart the runtime to apply it)`);
}
