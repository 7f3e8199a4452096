/** @module Where the built artefacts the acceptance tests drive live, and a guard that they exist. */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT: string = fileURLToPath(new URL("../../../../", import.meta.url));
export const RUNTIME_DIR: string = join(REPO_ROOT, "apps", "runtime");
/** What `mcp-runtime` (bin/mcp-runtime.js) runs: the bundle of the compiled CLI (bundle.mjs). */
export const CLI_PATH: string = join(RUNTIME_DIR, "dist", "bundle", "cli.js");
/** The committed launcher behind `npx mcp-runtime`. */
export const BIN_PATH: string = join(RUNTIME_DIR, "bin", "mcp-runtime.js");
/** The sidecar's built CLI (`mcp-sidecar`). */
export const SIDECAR_CLI: string = join(REPO_ROOT, "apps", "sidecar", "dist", "cli.js");
export const INSPECTOR_CLI: string = join(REPO_ROOT, "node_modules", ".bin", "mcp-inspector-cli");

const BUILD_OUTPUTS: readonly string[] = [
  CLI_PATH,
  SIDECAR_CLI,
  ...["config", "protocol", "plugin-sdk", "transport-stdio"].map((name) =>
    join(REPO_ROOT, "packages", name, "dist", "index.js"),
  ),
  ...["echo", "fs", "conformance"].map((name) => join(REPO_ROOT, "plugins", name, "dist", "index.js")),
];

/**
 * Fails (never skips) when the build these tests spawn is missing: a skipped acceptance suite
 * reads as green in CI while proving nothing.
 */
export function assertBuilt(): void {
  const missing = BUILD_OUTPUTS.filter((file) => !existsSync(file)).map((file) => relative(REPO_ROOT, file));
  if (missing.length > 0) {
    throw new Error(
      `the acceptance tests run the built runtime, but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing: run \`npm run build\` at the repository root first`,
    );
  }
}

/** `node <this>` arguments that serve MCP over stdio with the given config. */
export function serveArgs(configPath: string): string[] {
  return [CLI_PATH, "serve", "--transport", "stdio", "--config", configPath];
}
