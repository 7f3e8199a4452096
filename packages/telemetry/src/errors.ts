/**
 * @module The one error family of @mcp-runtime/telemetry. Callers switch on `code`; the message is
 * for people. A caller's own mistake (a bad option) throws `TypeError` instead.
 */

/** Every code a {@link TelemetryError} can carry. */
export type TelemetryErrorCode =
  /** an `OTEL_*` variable holds a value the SDK cannot use (bad URL, unknown sampler, not a number) */
  | "INVALID_OTEL_ENV"
  /** another tracer provider is registered globally; shut the previous `Tracing` down first */
  | "TRACING_ALREADY_STARTED";

export class TelemetryError extends Error {
  readonly code: TelemetryErrorCode;

  constructor(code: TelemetryErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TelemetryError";
    this.code = code;
  }
}
