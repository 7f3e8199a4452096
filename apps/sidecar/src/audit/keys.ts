/**
 * @module The Ed25519 key that signs checkpoints: load it from PEM (PKCS8), or create it in the log
 * directory when none is configured, and publish the public half as `audit-key.pub` for `verify`.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AuditError } from "./errors.js";

export const DEFAULT_KEY_FILE = "audit-key.pem";
export const PUBLIC_KEY_FILE = "audit-key.pub";

/** A public key a verifier trusts, with the id checkpoints name it by. */
export interface TrustedKey {
  publicKey: KeyObject;
  /** first 16 hex digits of sha256(SPKI DER) */
  keyId: string;
}

export interface SigningKey extends TrustedKey {
  privateKey: KeyObject;
  publicKeyPem: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex")
    .slice(0, 16);
}

/** Parses an SPKI PEM public key; anything but Ed25519 is refused. */
export function trustedKeyFromPem(pem: string, origin = "public key"): TrustedKey {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: pem, format: "pem" });
  } catch (cause) {
    throw new AuditError("AUDIT_KEY_INVALID", `${origin} is not a PEM public key`, { cause });
  }
  if (publicKey.asymmetricKeyType !== "ed25519") {
    throw new AuditError("AUDIT_KEY_INVALID", `${origin} is ${publicKey.asymmetricKeyType}, not ed25519`);
  }
  return { publicKey, keyId: keyIdOf(publicKey) };
}

/**
 * Loads `keyFile`, or `<dir>/audit-key.pem` (created with mode 0600 when missing), and (re)writes
 * `<dir>/audit-key.pub`. A configured `keyFile` that is missing is an error, not a reason to invent a key.
 */
export async function loadSigningKey(dir: string, keyFile?: string): Promise<SigningKey> {
  const path = keyFile ?? join(dir, DEFAULT_KEY_FILE);
  let pem = await readIfExists(path);
  if (pem === null) {
    if (keyFile !== undefined)
      throw new AuditError("AUDIT_KEY_NOT_FOUND", `audit key file ${path} not found`);
    pem = await createKeyFile(path);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem" });
  } catch (cause) {
    throw new AuditError("AUDIT_KEY_INVALID", `${path} is not a PEM PKCS8 private key`, { cause });
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new AuditError("AUDIT_KEY_INVALID", `${path} is ${privateKey.asymmetricKeyType}, not ed25519`);
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  await publishPublicKey(join(dir, PUBLIC_KEY_FILE), publicKeyPem);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), publicKeyPem };
}

async function createKeyFile(path: string): Promise<string> {
  // Sync key generation is fine here: it runs once at open and takes well under a millisecond for Ed25519.
  const { privateKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  try {
    await writeFile(path, pem, { mode: 0o600, flag: "wx" });
    return pem;
  } catch (error) {
    // Another process created it first: use theirs, so both agree on one key.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFile(path, "utf8");
    throw error;
  }
}

async function publishPublicKey(path: string, pem: string): Promise<void> {
  if ((await readIfExists(path)) === pem) return;
  // Write then rename, so a verifier never reads half a key.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, pem, { mode: 0o644 });
  await rename(temporary, path);
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
