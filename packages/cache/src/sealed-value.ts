/**
 * @module Encryption at rest: AES-256-GCM with a random 12-byte IV per value and the full cache key
 * as additional data, so a stored value cannot be replayed under another key. Stored text is
 * `e1.<keyId>.<base64url(iv | tag | ciphertext)>`; the key id lets old entries decrypt after a
 * rotation while their key stays in the ring.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { CacheError } from "./errors.js";
import type { Keyring } from "./keyring.js";

const VERSION = "e1.";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(ring: Keyring, cacheKey: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(cacheKey, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
  return `${VERSION}${ring.current.id}.${sealed}`;
}

function undecryptable(reason: string, cause?: unknown): CacheError {
  return new CacheError("ERR_CACHE_DECRYPT", `cached value dropped: ${reason}`, { cause });
}

/** The plaintext, or a CacheError ERR_CACHE_DECRYPT (returned, not thrown: callers make it a miss). */
export function open(ring: Keyring, cacheKey: string, text: string): string | CacheError {
  const dot = text.startsWith(VERSION) ? text.indexOf(".", VERSION.length) : -1;
  if (dot < 0) return undecryptable("not an encrypted (e1) value");
  const id = text.slice(VERSION.length, dot);
  const key = ring.keys.get(id);
  if (key === undefined) return undecryptable(`key id "${id}" is not in the key ring`);
  const raw = Buffer.from(text.slice(dot + 1), "base64url");
  if (raw.length < IV_BYTES + TAG_BYTES) return undecryptable("value is truncated");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(cacheKey, "utf8"));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  } catch (error) {
    return undecryptable(
      `authentication failed with key "${id}" (tampered, or moved from another key)`,
      error,
    );
  }
}
