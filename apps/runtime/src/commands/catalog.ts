/**
 * @module `mcp-runtime catalog export|import|diff`: the served catalog as a deterministic JSON
 * document with checksums, a verified baseline beside the config, and drift detection (an entry
 * that changed while its plugin's version did not). Exit 0 done; 1 drift, a bad catalog file or an
 * invalid config; 2 usage (no baseline yet, a missing FILE); 3 the runtime could not start.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { defaultBaselinePath, readCatalogFile } from "../catalog/baseline.js";
import { canonicalJson } from "../catalog/canonical.js";
import { describeDiff, diffCatalogs } from "../catalog/diff.js";
import type { CatalogDocument } from "../catalog/document.js";
import { chooseConfigFile } from "../config-file.js";
import { LocalRuntimeError } from "../local/errors.js";
import { type CliIo, EXIT, type ExitCode } from "./io.js";

export interface CatalogOptions {
  config?: string;
  json?: boolean;
}

type Loaded =
  | { ok: true; document: CatalogDocument; configFile?: string | undefined }
  | { ok: false; exit: ExitCode };

export async function catalogExport(
  options: CatalogOptions & { out?: string },
  io: CliIo,
): Promise<ExitCode> {
  const live = await loadLive(options, io);
  if (!live.ok) return live.exit;
  const text = canonicalJson(live.document);
  if (options.out === undefined) {
    io.stdout(text);
    return EXIT.ok;
  }
  const out = resolve(options.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, text);
  const { tools, resources, prompts } = live.document;
  io.stderr(
    `mcp-runtime: wrote ${tools.length} tools, ${resources.length} resources, ${prompts.length} prompts to ${out}\n`,
  );
  return EXIT.ok;
}

export async function catalogImport(
  file: string,
  options: CatalogOptions & { baseline?: string },
  io: CliIo,
): Promise<ExitCode> {
  const imported = await loadFile(file, io);
  if (!imported.ok) return imported.exit;
  const baseline =
    options.baseline === undefined ? baselineFor(options.config) : resolve(process.cwd(), options.baseline);
  await mkdir(dirname(baseline), { recursive: true });
  await writeFile(baseline, canonicalJson(imported.document));
  if (!options.json) io.stderr(`mcp-runtime: ${file} verified; written as the baseline ${baseline}\n`);
  const live = await loadLive(options, io);
  if (!live.ok) return live.exit === EXIT.failed ? EXIT.failed : EXIT.unavailable;
  const diff = diffCatalogs(imported.document, live.document);
  if (options.json) {
    io.stdout(
      `${JSON.stringify({ baseline, sha256: imported.document.sha256, differences: diff }, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  const lines = [...describeDiff(diff), ...diff.drift];
  io.stdout(
    lines.length === 0 ? "the live catalog matches it\n" : `the live catalog differs:\n${lines.join("\n")}\n`,
  );
  return EXIT.ok;
}

export async function catalogDiff(
  before: string | undefined,
  after: string | undefined,
  options: CatalogOptions,
  io: CliIo,
): Promise<ExitCode> {
  const beforeFile = before ?? baselineFor(options.config);
  const old = await loadFile(beforeFile, io, before === undefined);
  if (!old.ok) return old.exit;
  const now = after === undefined ? await loadLive(options, io) : await loadFile(after, io);
  if (!now.ok) return now.exit;
  const diff = diffCatalogs(old.document, now.document);
  const ok = diff.drift.length === 0;
  if (options.json) {
    io.stdout(`${JSON.stringify({ ok, before: beforeFile, after: after ?? "live", ...diff }, null, 2)}\n`);
  } else {
    const lines = [...describeDiff(diff), ...diff.drift];
    io.stdout(lines.length === 0 ? "no changes\n" : `${lines.join("\n")}\n`);
    io.stderr(
      `mcp-runtime: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.drift.length} drift\n`,
    );
  }
  return ok ? EXIT.ok : EXIT.failed;
}

/** The baseline beside the config `serve` would use (or in the working directory). */
function baselineFor(config: string | undefined): string {
  return defaultBaselinePath(chooseConfigFile(config, process.env, process.cwd()), process.cwd());
}

async function loadFile(file: string, io: CliIo, isBaseline = false): Promise<Loaded> {
  const read = await readCatalogFile(resolve(process.cwd(), file));
  if (read.ok) return read;
  for (const problem of read.problems) io.stderr(`mcp-runtime: ${problem}\n`);
  if (read.reason === "missing" && isBaseline)
    io.stderr(
      "mcp-runtime: no catalog baseline yet: record one with `mcp-runtime catalog export --out FILE` and `mcp-runtime catalog import FILE`, or pass BEFORE\n",
    );
  return { ok: false, exit: read.reason === "missing" ? EXIT.usage : EXIT.failed };
}

async function loadLive(options: CatalogOptions, io: CliIo): Promise<Loaded> {
  const { liveCatalog } = await import("../catalog/live.js");
  try {
    const live = await liveCatalog(options.config === undefined ? {} : { configFile: options.config });
    return { ok: true, document: live.document, configFile: live.configFile };
  } catch (cause) {
    io.stderr(`mcp-runtime: ${cause instanceof Error ? cause.message : String(cause)}\n`);
    const invalid = cause instanceof LocalRuntimeError && cause.code === "ERR_LOCAL_CONFIG";
    return { ok: false, exit: invalid ? EXIT.failed : EXIT.unavailable };
  }
}
