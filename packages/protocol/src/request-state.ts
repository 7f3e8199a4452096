/**
 * @module Integrity-protected `requestState` for 2026-07-28 multi round-trip requests. The state is
 * opaque to the client; we HMAC it so a client cannot forge earlier answers, move a state to
 * another tool or replay one after it expired.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { JsonObject } from "./types.js";

export interface RequestStatePayload {
  /** method and target (tool name, resource URI, prompt name) the state belongs to */
  target: string;
  /** hash of the request's arguments, so a state cannot be reused with other arguments */
  argsHash: string;
  /** answers collected in earlier rounds, by input key */
  responses: Record<string, JsonObject>;
  /** expiry, ms since epoch */
  expiresAt: number;
}

export class RequestStateCodec {
  private readonly key: Buffer;
  private readonly ttlMs: number;

  constructor(options: { secret?: Uint8Array | string; ttlMs?: number } = {}) {
    const { secret, ttlMs = 10 * 60_000 } = options;
    if (!Number.isInteger(ttlMs) || ttlMs <= 0)
      throw new TypeError('"ttlMs" option must be a positive integer');
    // A random per-process key is right for a single node; a cluster must share one (config).
    this.key = secret === undefined ? randomBytes(32) : Buffer.from(secret);
    if (this.key.length < 16) throw new TypeError('"secret" option must be at least 16 bytes');
    this.ttlMs = ttlMs;
  }

  static hashArguments(args: unknown): string {
    return createHash("sha256")
      .update(JSON.stringify(args ?? null))
      .digest("base64url");
  }

  encode(target: string, argsHash: string, responses: Record<string, JsonObject>, now = Date.now()): string {
    const payload: RequestStatePayload = { target, argsHash, responses, expiresAt: now + this.ttlMs };
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return `${body}.${this.sign(body)}`;
  }

  /** Returns the payload, or undefined when the state is forged, expired or for another target. */
  decode(state: string, target: string, argsHash: string, now = Date.now()): RequestStatePayload | undefined {
    const dot = state.lastIndexOf(".");
    if (dot <= 0) return undefined;
    const body = state.slice(0, dot);
    // Compare the signature text, not its decoded bytes: base64url decoding skips stray characters
    // and padding bits, so decoded bytes would accept many spellings of one signature (found by fuzzing).
    const given = Buffer.from(state.slice(dot + 1), "utf8");
    const expected = Buffer.from(this.sign(body), "utf8");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let payload: RequestStatePayload;
    try {
      payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as RequestStatePayload;
    } catch {
      return undefined;
    }
    if (payload.target !== target || payload.argsHash !== argsHash || payload.expiresAt < now)
      return undefined;
    return payload;
  }

  private sign(body: string): string {
    return createHmac("sha256", this.key).update(body).digest("base64url");
  }
}
