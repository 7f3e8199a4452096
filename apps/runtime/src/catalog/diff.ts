/**
 * @module Compares two catalogs entry by entry (pure). A changed or removed entry whose source
 * still has the same version is drift: its clients see a different contract under the same version
 * number. Drift needs the version on both sides; an upstream that does not say its version is
 * reported as changed, never as drift (its operator cannot bump it).
 */
import { isDeepStrictEqual } from "node:util";
import {
  type CatalogDocument,
  type CatalogEntry,
  type CatalogSection,
  type CatalogSource,
  entryId,
  entryKey,
  SECTIONS,
  sourceLabel,
} from "./document.js";
import { short } from "./verify.js";

export interface DiffEntry {
  /** `tools/echo` */
  key: string;
  section: CatalogSection;
  source: CatalogSource;
  sha256: string;
}

export interface ChangedEntry {
  key: string;
  section: CatalogSection;
  /** the fields whose values differ (`inputSchema`, `description`, `source`, ...) */
  fields: string[];
  before: { source: CatalogSource; sha256: string };
  after: { source: CatalogSource; sha256: string };
  drift: boolean;
}

export interface CatalogDiff {
  added: DiffEntry[];
  removed: (DiffEntry & { drift: boolean })[];
  changed: ChangedEntry[];
  /** one line per drifting entry, saying what to bump */
  drift: string[];
}

// Fields that are part of the call contract: a change there is a schema change.
const SCHEMA_FIELDS = new Set(["inputSchema", "outputSchema", "arguments", "uri", "uriTemplate"]);

export function diffCatalogs(before: CatalogDocument, after: CatalogDocument): CatalogDiff {
  const diff: CatalogDiff = { added: [], removed: [], changed: [], drift: [] };
  // A source's version in the new catalog, to tell whether a removed entry's source was bumped.
  const versions = new Map<string, string | undefined>();
  for (const section of SECTIONS)
    for (const entry of after[section] as CatalogEntry[])
      versions.set(sourceId(entry.source), entry.source.version);
  for (const section of SECTIONS) {
    const old = indexed(before[section] as CatalogEntry[]);
    const now = indexed(after[section] as CatalogEntry[]);
    for (const [id, entry] of now)
      if (!old.has(id))
        diff.added.push({
          key: entryKey(section, entry),
          section,
          source: entry.source,
          sha256: entry.sha256,
        });
    for (const [id, was] of old) {
      const key = entryKey(section, was);
      const is = now.get(id);
      if (is === undefined) {
        const still = versions.has(sourceId(was.source)) ? versions.get(sourceId(was.source)) : undefined;
        const drift = sameVersion(was.source.version, still);
        diff.removed.push({ key, section, source: was.source, sha256: was.sha256, drift });
        if (drift)
          diff.drift.push(
            `${key}: removed but ${sourceLabel(was.source)} is still ${still}: bump its version`,
          );
        continue;
      }
      if (is.sha256 === was.sha256) continue;
      const fields = changedFields(was, is);
      const drift =
        sourceId(was.source) === sourceId(is.source) && sameVersion(was.source.version, is.source.version);
      diff.changed.push({
        key,
        section,
        fields,
        before: { source: was.source, sha256: was.sha256 },
        after: { source: is.source, sha256: is.sha256 },
        drift,
      });
      if (drift)
        diff.drift.push(
          `${key}: ${what(fields)} changed (sha256 ${short(was.sha256)} → ${short(is.sha256)}) but ${sourceLabel(is.source)} is still ${is.source.version}: bump its version`,
        );
    }
  }
  return diff;
}

/** `added`, `removed`, `changed` lines for people (drift lines are printed apart). */
export function describeDiff(diff: CatalogDiff): string[] {
  const lines: string[] = [];
  for (const entry of diff.added) lines.push(`added    ${entry.key} (${versioned(entry.source)})`);
  for (const entry of diff.removed) lines.push(`removed  ${entry.key} (${versioned(entry.source)})`);
  for (const entry of diff.changed) {
    const { before, after } = entry;
    const version =
      before.source.version === after.source.version
        ? versioned(after.source)
        : `${sourceLabel(before.source)} ${before.source.version ?? "?"} → ${after.source.version ?? "?"}`;
    lines.push(
      `changed  ${entry.key}: ${what(entry.fields)} (sha256 ${short(before.sha256)} → ${short(after.sha256)}; ${version})`,
    );
  }
  return lines;
}

function what(fields: readonly string[]): string {
  return fields.some((field) => SCHEMA_FIELDS.has(field)) ? "schema" : fields.join(", ");
}

function versioned(source: CatalogSource): string {
  return source.version === undefined ? sourceLabel(source) : `${sourceLabel(source)} ${source.version}`;
}

function changedFields(was: CatalogEntry, is: CatalogEntry): string[] {
  const a = was as unknown as Record<string, unknown>;
  const b = is as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete("sha256");
  const fields = [...keys].filter((key) =>
    key === "source" ? sourceId(was.source) !== sourceId(is.source) : !isDeepStrictEqual(a[key], b[key]),
  );
  return fields.sort();
}

function sameVersion(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && a === b;
}

function sourceId(source: CatalogSource): string {
  return `${source.kind}:${source.id}`;
}

function indexed(entries: readonly CatalogEntry[]): Map<string, CatalogEntry> {
  return new Map(entries.map((entry) => [entryId(entry), entry]));
}
