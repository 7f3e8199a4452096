/**
 * @module `mcp-runtime token create --subject S [--scopes a,b]`: mints a static bearer token for
 * `auth.mode: tokens`. The token is printed once and never stored; the config gets only its
 * SHA-256 digest, in the YAML line printed beside it.
 */
import { parseArgs } from "node:util";
import { mintStaticToken } from "@mcp-runtime/auth";

export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const USAGE = "usage: mcp-runtime token create --subject SUBJECT [--scopes a,b]";

/** Returns the exit code: 0, or 2 for a usage error. */
export function tokenCreate(args: readonly string[], io: CommandIo): number {
  const [verb, ...rest] = args;
  if (verb !== "create") {
    io.stderr(`mcp-runtime: ${USAGE}\n`);
    return 2;
  }
  let values: { subject?: string; scopes?: string };
  try {
    ({ values } = parseArgs({
      args: [...rest],
      strict: true,
      allowPositionals: false,
      options: { subject: { type: "string" }, scopes: { type: "string" } },
    }));
  } catch (cause) {
    io.stderr(`mcp-runtime: ${cause instanceof Error ? cause.message : String(cause)}\n${USAGE}\n`);
    return 2;
  }
  const subject = values.subject?.trim();
  if (!subject) {
    io.stderr(`mcp-runtime: --subject is required\n${USAGE}\n`);
    return 2;
  }
  const scopes = (values.scopes ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const bad = scopes.find((s) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s));
  if (bad !== undefined) {
    // RFC 6749 §3.3 scope-token characters: no spaces, quotes or backslashes.
    io.stderr(`mcp-runtime: invalid scope "${bad}"\n`);
    return 2;
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
  return 0;
}
