/** @module Public surface of the tamper-evident audit log; the sidecar's CLI and server import only this. */
export { AuditLog, type AuditLogOptions, type AuditLogStats } from "./audit-log.js";
export type { ForwardRecord as WrittenRecord } from "./chain-encoder.js";
export type { CheckpointReason } from "./checkpoint.js";
export { AuditError, type AuditErrorCode } from "./errors.js";
export { type AuditEventInput, encodeEventMembers, encodeStampedMembers } from "./event.js";
export { auditFileName, listAuditFiles } from "./files.js";
export type { ForwardOptions } from "./forward.js";
export { DEFAULT_KEY_FILE, PUBLIC_KEY_FILE } from "./keys.js";
export { type AuditRecord, GENESIS_PREV, parseRecordLine, type SourceRef } from "./record.js";
export { formatVerifyResult, type VerifyOptions, type VerifyResult, verifyAuditFiles } from "./verify.js";
export { AUDIT_VERIFY_USAGE, type CliOutput, runAuditVerify } from "./verify-cli.js";
