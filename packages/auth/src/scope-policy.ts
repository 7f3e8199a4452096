/**
 * @module Which tools a principal may see and call: `auth.oauth.scopes` maps a tool name to the
 * scope it needs; tools not named there need no scope beyond a valid token.
 */
import type { Principal } from "./types.js";

export interface ToolScopePolicy {
  /** The scope a tool needs, or undefined when any authenticated caller may use it. */
  requiredScope(toolName: string): string | undefined;
  allows(principal: Principal, toolName: string): boolean;
  /** Every scope the policy names (what `scopes_supported` advertises). */
  readonly scopes: readonly string[];
  /** A stable key for "what this principal may use": principals with equal keys see the same tools. */
  grantKey(principal: Principal): string;
}

export function createToolScopePolicy(scopesByTool: Readonly<Record<string, string>> = {}): ToolScopePolicy {
  const table = new Map(Object.entries(scopesByTool));
  const scopes = [...new Set(table.values())].sort();
  return {
    scopes,
    requiredScope: (toolName) => table.get(toolName),
    allows(principal, toolName) {
      const needed = table.get(toolName);
      return needed === undefined || principal.scopes.includes(needed);
    },
    grantKey(principal) {
      // Only the scopes the policy looks at decide visibility.
      return scopes.filter((s) => principal.scopes.includes(s)).join(" ");
    },
  };
}
