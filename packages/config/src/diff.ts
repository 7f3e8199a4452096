/** @module Diffing two configs into the paths that changed, so hot reload can restart only what it must. */
import { formatPath } from "./issues.js";
import type { ConfigSection, RuntimeConfig } from "./types.js";

export interface ConfigChange {
  /** Top-level section the change is in, for `switch`ing on what to restart. */
  section: ConfigSection;
  /** Deepest changed path, e.g. `server.port`, `limits.perTool.search`, or `plugins`. */
  path: string;
}

/**
 * Lists what differs between `before` and `after`, in key order. Objects (including records such
 * as `limits.perTool`) are compared key by key; arrays are compared whole and reported at their
 * own path, because an index says nothing stable about a plugin once entries move.
 */
export function diffConfig(before: RuntimeConfig, after: RuntimeConfig): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const sections = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<ConfigSection>;
  for (const section of sections) {
    for (const path of changedPaths(before[section], after[section], [section])) {
      changes.push({ section, path: formatPath(path) });
    }
  }
  return changes;
}

function changedPaths(a: unknown, b: unknown, path: string[]): string[][] {
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) => changedPaths(a[key], b[key], [...path, key]));
  }
  return deepEqual(a, b) ? [] : [path];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Config values are plain JSON-like data, so structural equality over arrays, objects and
// primitives is complete; `undefined` and a missing key count as the same.
function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => deepEqual(a[key], b[key]));
  }
  return false;
}
