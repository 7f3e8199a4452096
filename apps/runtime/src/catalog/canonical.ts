/**
 * @module Canonical JSON for catalogs: object keys sorted by code unit at every depth, undefined
 * members dropped, 2-space indent, a trailing newline. The same value always gives the same bytes,
 * so files diff cleanly and checksums are stable across machines and runs.
 */
import { createHash } from "node:crypto";
import { sortKeysDeep } from "../sorted-keys.js";

export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
