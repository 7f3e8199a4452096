/**
 * @module The runtime package's own folder and manifest. Found by walking up from this module,
 * because the code runs from three depths: src/ under vitest, dist/ as compiled, and
 * dist/bundle/ as bundled for the CLI (see bundle.mjs).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const NAME = "@mcp-runtime/runtime";

export interface RuntimeManifest {
  name: string;
  version: string;
  engines?: { node?: string };
}

/**
 * The nearest package.json named `name` in `from` or a folder above it, with that folder; a
 * missing or unreadable package.json on the way is passed over.
 */
export function packageAbove<M extends { name?: unknown }>(
  from: string,
  name: string,
): { dir: string; manifest: M } | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    let manifest: M | undefined;
    try {
      manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as M;
    } catch {
      manifest = undefined;
    }
    if (manifest?.name === name) return { dir, manifest };
    if (dirname(dir) === dir) return undefined;
  }
}

const here = dirname(fileURLToPath(import.meta.url));
const found = packageAbove<RuntimeManifest>(here, NAME);
if (found === undefined) throw new Error(`${NAME}: no package.json of its own above ${here}`);

/** The folder holding the runtime's package.json (apps/runtime in the repository). */
export const RUNTIME_DIR: string = found.dir;
export const RUNTIME_MANIFEST: RuntimeManifest = found.manifest;
