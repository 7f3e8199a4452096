/**
 * @module Values with object keys sorted by code unit at every depth and undefined members
 * dropped: the one normal form behind every canonical JSON here (catalog files and checksums,
 * the coalescing key of identical calls). Code-unit order, not locale order, so the bytes never
 * depend on the machine's locale.
 */

export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareCodeUnits)) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = sortKeysDeep(member);
  }
  return out;
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
