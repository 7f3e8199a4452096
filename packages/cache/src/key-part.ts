/**
 * @module Makes any text safe as one segment of a cache key such as `r|<plugin>|<subject>|<uri>`:
 * short text of a conservative alphabet passes through (readable keys in redis-cli), anything else
 * becomes `#` + sha256 in base64url. `#` and `|` are outside the pass-through alphabet, so a hashed
 * segment never equals a raw one and no segment can smuggle a separator.
 */
import { createHash } from "node:crypto";

const PLAIN = /^[A-Za-z0-9._~:/@-]{1,128}$/;

export function keyPart(text: string): string {
  if (PLAIN.test(text)) return text;
  return `#${createHash("sha256").update(text, "utf8").digest("base64url")}`;
}
