/**
 * @module The runtime package's own folder and manifest. Found by walking up from this module,
 * because the code runs from three depths: src/ under vitest, dist/ as compiled, and
 * dist/bundle/ as bundled for the CLI (see bundle.mjs).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const NAME = "@mcp-runtime/runtime";

export interface RuntimeManifest {
  name: string;
  version: string;
  engines?: { node?: string };
}

function findPackage(from: string): { dir: string; manifest: RuntimeManifest } {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, "utf8")) as RuntimeManifest;
      if (manifest.name === NAME) return { dir, manifest };
    }
    if (dirname(dir) === dir) throw new Error(`${NAME}: no package.json of its own above ${from}`);
  }
}

const found = findPackage(dirname(fileURLToPath(import.meta.url)));

/** The folder holding the runtime's package.json (apps/runtime in the repository). */
export const RUNTIME_DIR: string = found.dir;
export const RUNTIME_MANIFEST: RuntimeManifest = found.manifest;
