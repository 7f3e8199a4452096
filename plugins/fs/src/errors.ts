/**
 * @module The fs plugin's errors: one class with a stable `code`, and the conversion of scoped-fs
 * and Node errors into messages safe to show a client (Node's messages carry absolute paths).
 */
import { ScopedFsError } from "@mcp-runtime/plugin-sdk";

export type FsPluginErrorCode =
  | "ERR_OUTSIDE_ROOTS"
  | "ERR_NOT_FOUND"
  | "ERR_NO_ROOTS"
  | "ERR_TOO_LARGE"
  | "ERR_NOT_A_FILE"
  | "ERR_NOT_A_DIRECTORY"
  | "ERR_PERMISSION"
  | "ERR_IO";

export class FsPluginError extends Error {
  readonly code: FsPluginErrorCode;

  constructor(code: FsPluginErrorCode, message: string) {
    super(message);
    this.name = "FsPluginError";
    this.code = code;
  }
}

export const outsideRoots = () => new FsPluginError("ERR_OUTSIDE_ROOTS", "path is outside the allowed roots");
export const notFound = () => new FsPluginError("ERR_NOT_FOUND", "not found");

function errnoCode(cause: unknown): string | undefined {
  if (!(cause instanceof Error) || !("code" in cause)) return undefined;
  return typeof cause.code === "string" ? cause.code : undefined;
}

/**
 * Maps a failure to an FsPluginError whose message names no path. Anything that is not a file
 * system failure is a bug (or a protocol signal) and is rethrown untouched.
 */
export function toFsPluginError(cause: unknown): FsPluginError {
  if (cause instanceof FsPluginError) return cause;
  if (cause instanceof ScopedFsError) {
    switch (cause.code) {
      case "ERR_FS_OUTSIDE_ROOTS":
        return outsideRoots();
      case "ERR_FS_NOT_FOUND":
        return notFound();
      case "ERR_FS_NO_ROOTS":
        return new FsPluginError("ERR_NO_ROOTS", "none of the configured roots exists");
      case "ERR_FS_TOO_LARGE":
        return new FsPluginError("ERR_TOO_LARGE", "file is larger than the read limit");
    }
  }
  switch (errnoCode(cause)) {
    case undefined:
      throw cause;
    // The entry vanished or was replaced between the scoped check and the read.
    case "ENOENT":
    case "ENOTDIR":
    case "ELOOP":
      return notFound();
    case "EACCES":
    case "EPERM":
      return new FsPluginError("ERR_PERMISSION", "permission denied");
    case "EISDIR":
      return new FsPluginError("ERR_NOT_A_FILE", "path is a directory, not a file");
    default:
      return new FsPluginError("ERR_IO", "the file system operation failed");
  }
}

/** Runs `operation`, turning file system failures into safe FsPluginErrors. */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (cause) {
    throw toFsPluginError(cause);
  }
}
