#!/usr/bin/env node
/**
 * @module Scaffolds a workspace project (package, app or plugin) with the layout every project
 * here shares: exports map, strict tsconfig pair, vitest config, README, src/index.ts, test/.
 *
 * usage: node tools/scaffold/new-package.mjs packages/cache [--name @mcp-runtime/cache] [--description "..."]
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: "string" }, description: { type: "string" } },
});
const folder = positionals[0];
if (!folder) {
  console.error("usage: new-package.mjs <packages|apps|plugins>/<name> [--name N] [--description D]");
  process.exit(2);
}
const root = resolve(import.meta.dirname, "../..");
const dir = join(root, folder);
if (existsSync(dir)) {
  console.error(`${folder} exists already`);
  process.exit(1);
}
const short = basename(folder);
const kind = folder.split("/")[0];
const name = values.name ?? (kind === "plugins" ? `@mcp-runtime/plugin-${short}` : `@mcp-runtime/${short}`);
const depth = "../".repeat(folder.split("/").length);

const pkg = {
  name,
  version: "0.1.0",
  description: values.description ?? "",
  license: "Apache-2.0",
  type: "module",
  engines: { node: ">=20.19.0" },
  exports: {
    ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
    "./package.json": "./package.json",
  },
  main: "./dist/index.js",
  types: "./dist/index.d.ts",
  files: ["dist", "README.md"],
  scripts: {
    build: "tsc -p tsconfig.build.json",
    typecheck: "tsc -p tsconfig.json --noEmit",
    test: "vitest run",
  },
};
mkdirSync(join(dir, "src"), { recursive: true });
mkdirSync(join(dir, "test"), { recursive: true });
const write = (file, text) => writeFileSync(join(dir, file), text);
write("package.json", `${JSON.stringify(pkg, null, 2)}\n`);
write(
  "tsconfig.json",
  `${JSON.stringify({ extends: `${depth}tsconfig.base.json`, compilerOptions: { noEmit: true }, include: ["src", "test", "vitest.config.ts"] }, null, 2)}\n`,
);
write(
  "tsconfig.build.json",
  `${JSON.stringify({ extends: `${depth}tsconfig.base.json`, compilerOptions: { rootDir: "src", outDir: "dist" }, include: ["src"] }, null, 2)}\n`,
);
write(
  "vitest.config.ts",
  `import { defineConfig } from "vitest/config";\n\nexport default defineConfig({\n  test: { include: ["test/**/*.test.ts"], testTimeout: 30_000 },\n});\n`,
);
write("src/index.ts", `/** @module Public entry of ${name}. */\nexport {};\n`);
write("README.md", `# ${name}\n\n${values.description ?? ""}\n`);
console.log(`created ${folder} (${name})`);
