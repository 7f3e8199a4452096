/**
 * @module `auth.mode: tokens` for air-gapped sites: bearer tokens whose SHA-256 digests sit in the
 * config, each with a subject and scopes. No network. The presented token's digest is compared
 * with every configured digest in constant time, without stopping at a match, so neither the
 * position nor the prefix of a match shows in the timing.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Principal, StaticTokenEntry } from "./types.js";

interface Compiled {
  digest: Buffer;
  principal: Principal;
}

export class StaticTokenVerifier {
  private entries: Compiled[] = [];

  constructor(tokens: readonly StaticTokenEntry[]) {
    this.update(tokens);
  }

  /** Replaces the token table (config reload); requests in flight keep the table they started with. */
  update(tokens: readonly StaticTokenEntry[]): void {
    this.entries = tokens.map((entry, index) => {
      if (!/^[0-9a-fA-F]{64}$/.test(entry.sha256)) {
        throw new TypeError(`"tokens[${index}].sha256" must be 64 hexadecimal characters`);
      }
      return {
        digest: Buffer.from(entry.sha256, "hex"),
        principal: Object.freeze({ subject: entry.subject, scopes: Object.freeze([...entry.scopes]) }),
      };
    });
  }

  verify(token: string): Principal | undefined {
    const digest = sha256(token);
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, entry.digest) && found === undefined) found = entry.principal;
    }
    return found;
  }

  get size(): number {
    return this.entries.length;
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

export interface MintedToken {
  /** Shown once; never stored. */
  token: string;
  /** Lowercase hex SHA-256 of `token`: what goes into the config. */
  sha256: string;
}

/** A new static token: `mcpr_` + 256 random bits in base64url. */
export function mintStaticToken(): MintedToken {
  const token = `mcpr_${randomBytes(32).toString("base64url")}`;
  return { token, sha256: sha256(token).toString("hex") };
}
