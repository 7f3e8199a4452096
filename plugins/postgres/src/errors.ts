/**
 * @module The postgres plugin's errors: one class with a stable `code`, and the conversion of pg
 * failures into messages that carry PostgreSQL's message and SQLSTATE but never a credential.
 */
export type PostgresPluginErrorCode =
  | "ERR_SQL"
  | "ERR_MULTIPLE_STATEMENTS"
  | "ERR_STATEMENT_REFUSED"
  | "ERR_SCHEMA_NOT_ALLOWED"
  | "ERR_NOT_FOUND"
  | "ERR_CONNECT"
  | "ERR_CONFIG";

export class PostgresPluginError extends Error {
  readonly code: PostgresPluginErrorCode;
  /** PostgreSQL's SQLSTATE, when the server reported the failure */
  readonly sqlState: string | undefined;
  constructor(code: PostgresPluginErrorCode, message: string, sqlState?: string) {
    super(message);
    this.name = "PostgresPluginError";
    this.code = code;
    this.sqlState = sqlState;
  }
}

interface ServerError {
  message: string;
  code: string;
  detail?: string;
  hint?: string;
  position?: string;
}

function isServerError(cause: unknown): cause is Error & ServerError {
  // pg's DatabaseError: a five-character SQLSTATE in `code` and a `severity`.
  return (
    cause instanceof Error &&
    "severity" in cause &&
    "code" in cause &&
    typeof cause.code === "string" &&
    /^[0-9A-Z]{5}$/.test(cause.code)
  );
}

/** Removes every secret the plugin knows of from a message (pg may echo parts of its config). */
export function redact(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const secret of secrets) if (secret && secret.length >= 3) out = out.split(secret).join("[redacted]");
  return out;
}

/**
 * A client-facing error for any failure while talking to PostgreSQL. `positionShift` undoes the
 * prefix the plugin put before the caller's SQL, so positions point into the caller's text.
 */
export function toPostgresError(
  cause: unknown,
  secrets: readonly (string | undefined)[],
  positionShift = 0,
): PostgresPluginError {
  if (cause instanceof PostgresPluginError) return cause;
  if (isServerError(cause)) {
    let text = `${cause.message} (SQLSTATE ${cause.code})`;
    const position = Number(cause.position);
    if (Number.isInteger(position) && position - positionShift > 0)
      text += ` at character ${position - positionShift}`;
    if (cause.detail) text += `\nDETAIL: ${cause.detail}`;
    if (cause.hint) text += `\nHINT: ${cause.hint}`;
    return new PostgresPluginError("ERR_SQL", redact(text, secrets), cause.code);
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return new PostgresPluginError("ERR_CONNECT", `PostgreSQL connection failed: ${redact(message, secrets)}`);
}
