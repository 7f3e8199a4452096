/**
 * @module Where the catalog baseline lives (`mcp-runtime.catalog.json` beside the config file, or
 * in the working directory without one) and reading a catalog file with its checks.
 */
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { CatalogDocument } from "./document.js";
import { verifyCatalog } from "./verify.js";

export const BASELINE_NAME = "mcp-runtime.catalog.json";

export function defaultBaselinePath(configFile: string | undefined, cwd: string): string {
  return configFile === undefined ? resolve(cwd, BASELINE_NAME) : join(dirname(configFile), BASELINE_NAME);
}

export type ReadCatalogResult =
  | { ok: true; document: CatalogDocument }
  | { ok: false; reason: "missing" | "invalid"; problems: string[] };

export async function readCatalogFile(file: string): Promise<ReadCatalogResult> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason: "missing",
      problems: [`${file}: ${code === "ENOENT" ? "no such file" : String(cause)}`],
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    return { ok: false, reason: "invalid", problems: [`${file}: not JSON (${(cause as Error).message})`] };
  }
  const verified = verifyCatalog(value);
  return verified.ok
    ? verified
    : { ok: false, reason: "invalid", problems: verified.problems.map((problem) => `${file}: ${problem}`) };
}
