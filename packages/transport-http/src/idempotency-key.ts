/**
 * @module The `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header) on
 * 2026-07-28 requests: a client that must retry a call whose answer it never got (its node died
 * mid-request) sends the same key again, and a call that runs as a job (a task, a long-running
 * tool) joins the job of its first delivery instead of running twice. Scoped by subject, so one
 * caller's key never finds another's job; clients should use random keys (UUIDs).
 */

/** Longest key accepted; UUIDs and ULIDs are far shorter. */
const MAX_KEY_LENGTH = 255;
const PRINTABLE = /^[\x21-\x7e]+$/;

/** The call key for a request, undefined without the header, or an error message when it is malformed. */
export function idempotencyCallKey(
  header: string | string[] | undefined,
  subject: string | undefined,
): { key: string } | { error: string } | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) return { error: "Idempotency-Key must be sent once" };
  let value = header.trim();
  // A structured-field string ("...") as the draft specifies, or the bare token most clients send.
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (value.length === 0 || value.length > MAX_KEY_LENGTH || !PRINTABLE.test(value))
    return { error: `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} printable ASCII characters` };
  return { key: `idem:${subject ?? ""}:${value}` };
}
