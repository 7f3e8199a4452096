/** @module Turning whatever a failed call threw into an Error for `onError`. */

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
