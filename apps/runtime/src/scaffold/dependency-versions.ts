/**
 * @module The dependency versions a new plugin gets: read when it is generated, from what this
 * runtime is installed with (its own version, the plugin-sdk beside it, the TypeScript, vitest,
 * zod and @types/node it resolves), so a scaffold never pins versions older than the runtime's.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { packageAbove, RUNTIME_DIR, RUNTIME_MANIFEST } from "../package-dir.js";

export const TEMPLATE_DEPENDENCIES = [
  "@mcp-runtime/plugin-sdk",
  "@mcp-runtime/runtime",
  "@types/node",
  "typescript",
  "vitest",
  "zod",
] as const;
export type TemplateDependency = (typeof TEMPLATE_DEPENDENCIES)[number];

type PackageJson = { name?: unknown; version?: unknown; devDependencies?: Record<string, unknown> };

const require = createRequire(join(RUNTIME_DIR, "package.json"));

/** The installed package's package.json, found through its exports or by walking up from its entry. */
function installed(name: string): PackageJson | undefined {
  for (const specifier of [`${name}/package.json`, name]) {
    let file: string;
    try {
      file = require.resolve(specifier);
    } catch {
      continue;
    }
    const found = packageAbove<PackageJson>(dirname(file), name);
    if (found !== undefined) return found.manifest;
  }
  return undefined;
}

function caret(pkg: PackageJson | undefined): string | undefined {
  return typeof pkg?.version === "string" ? `^${pkg.version}` : undefined;
}

/**
 * Versions for the template's package.json. What cannot be found installed falls back to the range
 * the plugin-sdk is developed with (zod) or to npm's `latest` tag, never to a number written here.
 */
export function dependencyVersions(): Record<TemplateDependency, string> {
  const sdk = installed("@mcp-runtime/plugin-sdk");
  const sdkZod = sdk?.devDependencies?.zod;
  return {
    "@mcp-runtime/plugin-sdk": caret(sdk) ?? "latest",
    "@mcp-runtime/runtime": caret(RUNTIME_MANIFEST) ?? "latest",
    "@types/node": caret(installed("@types/node")) ?? "latest",
    typescript: caret(installed("typescript")) ?? "latest",
    vitest: caret(installed("vitest")) ?? "latest",
    zod: caret(installed("zod")) ?? (typeof sdkZod === "string" ? sdkZod : "latest"),
  };
}
