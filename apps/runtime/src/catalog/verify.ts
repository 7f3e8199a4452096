/**
 * @module Checks a catalog document read from a file (an export, a backup, a baseline): its shape,
 * every entry's checksum against its content, and the document checksum. An edited or corrupted
 * entry is named (`tools/echo: ...`), so the operator knows which one to look at.
 */
import { documentChecksum, entryChecksum } from "./checksum.js";
import {
  type CatalogDocument,
  type CatalogEntry,
  type CatalogSection,
  entryKey,
  SECTIONS,
} from "./document.js";

export type VerifyResult = { ok: true; document: CatalogDocument } | { ok: false; problems: string[] };

export function verifyCatalog(value: unknown): VerifyResult {
  if (!isRecord(value) || value.catalog !== 1)
    return { ok: false, problems: ['not a catalog document: expected "catalog": 1 at the top'] };
  const problems: string[] = [];
  for (const section of SECTIONS) {
    const entries = value[section];
    if (!Array.isArray(entries)) {
      problems.push(`${section}: missing or not an array`);
      continue;
    }
    entries.forEach((entry: unknown, index) => {
      const shape = shapeProblem(section, entry);
      if (shape !== undefined) {
        problems.push(`${section}[${index}]: ${shape}`);
        return;
      }
      const typed = entry as CatalogEntry;
      const actual = entryChecksum(typed);
      if (typed.sha256 !== actual)
        problems.push(
          `${entryKey(section, typed)}: checksum mismatch (file says ${short(typed.sha256)}, content is ${short(actual)}): the entry was edited or corrupted`,
        );
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  const document = value as unknown as CatalogDocument;
  if (document.sha256 !== documentChecksum(document))
    return {
      ok: false,
      problems: [
        "sha256: the document checksum does not match its entries (an entry was added, removed or reordered)",
      ],
    };
  return { ok: true, document };
}

function shapeProblem(section: CatalogSection, entry: unknown): string | undefined {
  if (!isRecord(entry)) return "not an object";
  if (typeof entry.sha256 !== "string") return 'missing "sha256"';
  const source = entry.source;
  if (!isRecord(source) || typeof source.kind !== "string" || typeof source.id !== "string")
    return '"source" must be an object with "kind" and "id"';
  if (typeof entry.name !== "string") return 'missing "name"';
  if (section === "tools" && !isRecord(entry.inputSchema)) return 'missing "inputSchema"';
  if (section === "resources" && typeof entry.uri !== "string" && typeof entry.uriTemplate !== "string")
    return 'missing "uri" or "uriTemplate"';
  return undefined;
}

export function short(sha: unknown): string {
  return typeof sha === "string" ? `${sha.slice(0, 8)}…` : String(sha);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
