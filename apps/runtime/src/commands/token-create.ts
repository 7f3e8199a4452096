/**
 * @module `mcp-runtime token create --subject S [--scopes a,b]`: mints a static bearer token for
 * `auth.mode: tokens`. The token is printed once and never stored; the config gets only its
 * SHA-256 digest, in the YAML line printed beside it.
 */
import { mintStaticToken } from "@mcp-runtime/auth";
import { type CliIo, EXIT, type ExitCode } from "./io.js";

export interface TokenCreateOptions {
  subject?: string;
  /** comma-separated */
  scopes?: string;
}

const HINT = 'Run "mcp-runtime token create --help" for usage.';

/** Returns the exit code: 0, or 2 for a usage error. */
export function tokenCreate(values: TokenCreateOptions, io: Pick<CliIo, "stdout" | "stderr">): ExitCode {
  const subject = values.subject?.trim();
  if (!subject) {
    io.stderr(`mcp-runtime: --subject must not be empty\n${HINT}\n`);
    return EXIT.usage;
  }
  const scopes = (values.scopes ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const bad = scopes.find((s) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s));
  if (bad !== undefined) {
    // RFC 6749 §3.3 scope-token characters: no spaces, quotes or backslashes.
    io.stderr(`mcp-runtime: invalid scope "${bad}"\n${HINT}\n`);
    return EXIT.usage;
  }
  const minted = mintStaticToken();
  // JSON strings are valid YAML flow scalars, so the line pastes into YAML and reads like JSON.
  const line = `  - { sha256: "${minted.sha256}", subject: ${JSON.stringify(subject)}, scopes: [${scopes
    .map((s) => JSON.stringify(s))
    .join(", ")}] }`;
  io.stdout(
    `${minted.token}\n\n` +
      "# The token above is shown once: give it to the client now (Authorization: Bearer <token>).\n" +
      "# Paste this line under auth.tokens in the runtime config (auth.mode: tokens):\n" +
      `${line}\n`,
  );
  return EXIT.ok;
}
