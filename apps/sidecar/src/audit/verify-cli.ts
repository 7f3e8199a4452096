/**
 * @module `mcp-sidecar audit verify [--key PUBFILE] FILE|DIR...`: argument parsing and exit codes
 * (0 verified, 1 verification failed, 2 usage). A directory stands for its audit files in chain order.
 */
import { readFile, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { listAuditFiles } from "./files.js";
import { formatVerifyResult, verifyAuditFiles } from "./verify.js";

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const AUDIT_VERIFY_USAGE = `usage: mcp-sidecar audit verify [--key PUBFILE] FILE|DIR...

Verifies audit log files as one hash chain, in the order given (a directory means all of its
audit files, oldest first), and every checkpoint signature against the public key: --key, else
audit-key.pub beside the first file.

Prints "ok: N records" and exits 0, or "FILE:LINE: reason" for the first bad line and exits 1.
Exits 2 on usage errors.`;

export async function runAuditVerify(argv: readonly string[], out: CliOutput): Promise<number> {
  let parsed: { values: { key?: string; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { key: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    out.stderr(`${(error as Error).message}\n${AUDIT_VERIFY_USAGE}\n`);
    return 2;
  }
  if (parsed.values.help === true) {
    out.stdout(`${AUDIT_VERIFY_USAGE}\n`);
    return 0;
  }
  if (parsed.positionals.length === 0) {
    out.stderr(`no audit files given\n${AUDIT_VERIFY_USAGE}\n`);
    return 2;
  }
  let publicKeyPem: string | undefined;
  if (parsed.values.key !== undefined) {
    try {
      publicKeyPem = await readFile(parsed.values.key, "utf8");
    } catch (error) {
      out.stderr(`cannot read key file ${parsed.values.key}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  const files: string[] = [];
  for (const argument of parsed.positionals) {
    try {
      files.push(...((await stat(argument)).isDirectory() ? await listAuditFiles(argument) : [argument]));
    } catch (error) {
      out.stderr(`cannot read ${argument}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  if (files.length === 0) {
    out.stderr("no audit files found\n");
    return 2;
  }
  const result = await verifyAuditFiles(files, publicKeyPem === undefined ? {} : { publicKeyPem });
  if (result.ok) out.stdout(`${formatVerifyResult(result)}\n`);
  else out.stderr(`${formatVerifyResult(result)}\n`);
  return result.ok ? 0 : 1;
}
