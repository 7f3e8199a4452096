/**
 * @module Encryption keys for values at rest: parsing `MCP_CACHE_KEYS` or a key file into a
 * `Keyring`, and checking a ring given in code. Messages name the entry and the fix, never a key.
 */
import { randomBytes } from "node:crypto";
import { CacheError } from "./errors.js";

export interface Keyring {
  /** new values are sealed with this key */
  current: { id: string; key: Buffer };
  /** every key a stored value may name, by id (includes the current one) */
  keys: ReadonlyMap<string, Buffer>;
}

const KEY_BYTES = 32;
const ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const GENERATE = `node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`;

/** base64 of 32 random bytes: one AES-256 key, ready for `id:<key>` in MCP_CACHE_KEYS */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

function keyError(message: string): CacheError {
  return new CacheError("ERR_CACHE_KEY", message);
}

function parseEntry(entry: string, where: string): { id: string; key: Buffer } {
  const colon = entry.indexOf(":");
  if (colon < 0) throw keyError(`cache key ${where} is not "id:base64key"; write it as e.g. "k1:<key>"`);
  const id = entry.slice(0, colon).trim();
  const text = entry.slice(colon + 1).trim();
  if (!ID.test(id))
    throw keyError(`cache key id ${where} must be 1-32 characters of [A-Za-z0-9_-]; rename it (e.g. "k1")`);
  const key = BASE64.test(text) ? Buffer.from(text, "base64") : undefined;
  if (key?.length !== KEY_BYTES)
    throw keyError(
      `cache key "${id}" ${where} must be ${KEY_BYTES} bytes in base64 (got ${key ? `${key.length} bytes` : "text that is not base64"}); generate one with: ${GENERATE}`,
    );
  return { id, key };
}

function entriesOf(source: { env?: string; fileText?: string }): { entry: string; where: string }[] {
  const env = source.env?.trim() ? source.env : undefined;
  if (env !== undefined && source.fileText !== undefined)
    throw keyError("cache keys given both in MCP_CACHE_KEYS and a key file; keep one of them");
  if (env !== undefined)
    return env
      .split(",")
      .map((entry, i) => ({ entry: entry.trim(), where: `(entry ${i + 1} of MCP_CACHE_KEYS)` }))
      .filter(({ entry }) => entry.length > 0);
  return (source.fileText ?? "")
    .split(/\r?\n/)
    .map((line, i) => ({ entry: line.replace(/#.*$/, "").trim(), where: `(line ${i + 1} of the key file)` }))
    .filter(({ entry }) => entry.length > 0);
}

/**
 * From `MCP_CACHE_KEYS` ("id:base64key,id2:base64key"; the first is current) or a key file with the
 * same entries one per line (# comments, blank lines ok). Keys are base64 or base64url of exactly
 * 32 bytes; ids are [A-Za-z0-9_-]{1,32}. Throws CacheError ERR_CACHE_KEY.
 */
export function loadKeyring(source: { env?: string; fileText?: string }): Keyring {
  const entries = entriesOf(source);
  const keys = new Map<string, Buffer>();
  let current: { id: string; key: Buffer } | undefined;
  for (const { entry, where } of entries) {
    const parsed = parseEntry(entry, where);
    if (keys.has(parsed.id))
      throw keyError(`cache key id "${parsed.id}" ${where} is used twice; ids must be unique`);
    keys.set(parsed.id, parsed.key);
    current ??= parsed;
  }
  if (current === undefined)
    throw keyError(
      `no cache keys: set MCP_CACHE_KEYS="k1:<base64 key>" (or a key file with one "id:key" per line); generate a key with: ${GENERATE}`,
    );
  return { current, keys };
}

/** Checks a ring handed to a cache in code; the result always contains the current key. */
export function checkKeyring(ring: Keyring): Keyring {
  const valid = (id: unknown, key: unknown) =>
    typeof id === "string" && ID.test(id) && Buffer.isBuffer(key) && key.length === KEY_BYTES;
  if (
    typeof ring !== "object" ||
    ring === null ||
    !valid(ring.current?.id, ring.current?.key) ||
    !(ring.keys instanceof Map)
  )
    throw new TypeError('"encryption" option must be a Keyring with a 32-byte current key (see loadKeyring)');
  for (const [id, key] of ring.keys)
    if (!valid(id, key))
      throw new TypeError(
        `"encryption" option: key "${String(id)}" must be 32 bytes with an id of [A-Za-z0-9_-]{1,32}`,
      );
  const keys = new Map(ring.keys);
  keys.set(ring.current.id, ring.current.key);
  return { current: ring.current, keys };
}
