/**
 * @module Reads the Kubernetes manifests under deploy/kubernetes as plain data (every YAML document
 * of every file), with helpers that name a document by file, index, kind and name in messages.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { REPO_ROOT } from "./paths.js";

export const KUBERNETES_DIR: string = join(REPO_ROOT, "deploy", "kubernetes");

// Manifests are untyped YAML: the tests read them through this loose view and check every field they use.
// biome-ignore lint/suspicious/noExplicitAny: arbitrary YAML documents, checked field by field
export type Loose = any;

export interface ManifestDoc {
  /** path relative to deploy/kubernetes */
  readonly file: string;
  /** position of the document in its file, from 0 */
  readonly index: number;
  readonly kind: string;
  readonly name: string;
  readonly body: Loose;
}

export interface ParseProblem {
  readonly file: string;
  readonly message: string;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

export function loadManifests(): { docs: ManifestDoc[]; problems: ParseProblem[] } {
  const docs: ManifestDoc[] = [];
  const problems: ParseProblem[] = [];
  for (const path of yamlFiles(KUBERNETES_DIR)) {
    const file = relative(KUBERNETES_DIR, path);
    parseAllDocuments(readFileSync(path, "utf8")).forEach((parsed, index) => {
      for (const error of parsed.errors)
        problems.push({ file, message: `document ${index}: ${error.message}` });
      const body: Loose = parsed.toJS();
      if (body === null || body === undefined) return;
      docs.push({
        file,
        index,
        kind: String(body.kind ?? ""),
        name: String(body.metadata?.name ?? ""),
        body,
      });
    });
  }
  return { docs, problems };
}

/** `base/runtime-deployment.yaml#0 Deployment/mcp-runtime`, for failure messages. */
export function where(doc: ManifestDoc, field?: string): string {
  return `${doc.file}#${doc.index} ${doc.kind}/${doc.name}${field ? ` ${field}` : ""}`;
}

export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(["Deployment", "StatefulSet"]);

export function podSpec(doc: ManifestDoc): Loose {
  return doc.body.spec?.template?.spec ?? {};
}

export function containersOf(doc: ManifestDoc): Loose[] {
  const spec = podSpec(doc);
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** The value after `--flag` in an args list. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at === -1 ? undefined : args[at + 1];
}

/** The args with each `--flag` value replaced (the others kept exactly as the manifest has them). */
export function withFlags(args: readonly string[], values: Readonly<Record<string, string>>): string[] {
  return args.map((arg, i) => {
    const previous = args[i - 1];
    return previous !== undefined && previous in values ? (values[previous] as string) : arg;
  });
}

export function labelsMatch(selector: Loose, labels: Loose): boolean {
  const wanted: Record<string, string> = selector?.matchLabels ?? {};
  return Object.entries(wanted).every(([key, value]) => labels?.[key] === value);
}
