/**
 * @module Checksums of catalog entries and documents. An entry's is over its canonical JSON
 * without `sha256` and without `source.version`, so a version bump alone changes no checksum and
 * a content change always does; the document's is over the entries' checksums in order.
 */
import { canonicalJson, sha256Hex } from "./canonical.js";
import { type CatalogDocument, type CatalogEntry, SECTIONS } from "./document.js";

export function entryChecksum(entry: Omit<CatalogEntry, "sha256"> | CatalogEntry): string {
  const { sha256: _sha, source, ...content } = entry as CatalogEntry;
  const { version: _version, ...sourceWithoutVersion } = source;
  return sha256Hex(canonicalJson({ ...content, source: sourceWithoutVersion }));
}

export function documentChecksum(document: Omit<CatalogDocument, "sha256">): string {
  const sums = SECTIONS.flatMap((section) =>
    (document[section] as readonly CatalogEntry[]).map((entry) => entry.sha256),
  );
  return sha256Hex(sums.join("\n"));
}
