/**
 * @module Signed checkpoints: the statement a checkpoint signs and how it is checked. The statement binds
 * the checkpoint's seq and its prev (the hash of the record before it), so a valid signature vouches for
 * the whole chain up to that point.
 */
import { sign, verify } from "node:crypto";
import type { SigningKey, TrustedKey } from "./keys.js";
import type { AuditRecord } from "./record.js";

export const CHECKPOINT_TYPE = "checkpoint";
export const SEGMENT_TYPE = "segment";

/** Why a checkpoint was written; informational, for auditors reading the log. */
export type CheckpointReason = "count" | "interval" | "rotate" | "close" | "recovery";

// Domain separation: a signature made for a checkpoint can never be replayed as a signature of anything else.
export function checkpointStatement(seq: number, prev: string): Buffer {
  return Buffer.from(`mcp-audit-checkpoint\n${seq}\n${prev}`, "utf8");
}

export function signCheckpoint(key: SigningKey, seq: number, prev: string): string {
  return sign(null, checkpointStatement(seq, prev), key.privateKey).toString("base64");
}

/** Returns why a checkpoint record does not verify against `trust`, or null when it does. */
export function checkpointProblem(record: AuditRecord, trust: TrustedKey): string | null {
  const { keyId, sig } = record;
  if (typeof keyId !== "string" || typeof sig !== "string") return 'checkpoint without "keyId" and "sig"';
  if (keyId !== trust.keyId) {
    return `checkpoint signed by key ${keyId}, not the trusted key ${trust.keyId} (forged checkpoint?)`;
  }
  const signature = Buffer.from(sig, "base64");
  if (!verify(null, checkpointStatement(record.seq, record.prev), trust.publicKey, signature)) {
    return "checkpoint signature does not verify";
  }
  return null;
}
