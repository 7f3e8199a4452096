/** @module AuditError: the one error class of the audit log, with a stable `code` callers can switch on. */

export type AuditErrorCode =
  /** the signing or public key file is not an Ed25519 key in the expected PEM form */
  | "AUDIT_KEY_INVALID"
  /** `keyFile` was given but does not exist (it is only created when not configured) */
  | "AUDIT_KEY_NOT_FOUND"
  /** the newest file ends in a partial line (crash mid-write); an operator must look before the chain continues */
  | "AUDIT_TAIL_CORRUPT"
  /** the newest file fails verification on restart; extending it would sign over records we cannot vouch for */
  | "AUDIT_CHAIN_BROKEN"
  /** a write or fsync failed; the log refuses further records because the chain on disk is now behind memory */
  | "AUDIT_WRITE_FAILED"
  /** `append` after `close` */
  | "AUDIT_CLOSED";

export class AuditError extends Error {
  override readonly name = "AuditError";
  readonly code: AuditErrorCode;

  constructor(code: AuditErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
