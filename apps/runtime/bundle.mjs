/**
 * @module Bundles the CLI (dist/cli.js) and the plugin host's thread entry into dist/bundle/, which
 * bin/mcp-runtime.js runs. Loading ~450 compiled files one by one cost the start-up about a
 * third of its main-thread CPU (640-680 → 440-480 ms of CPU to /readyz with the default config);
 * one file per lazily loaded part costs far less.
 *
 * Left out, loaded from node_modules as they are:
 * - the packages plugins import too (the plugin SDK, the protocol core, zod): a plugin and the
 *   runtime must share one copy of their classes;
 * - packages that read their own files at run time (BullMQ's Lua scripts) or load native addons;
 * - the official SDK (only hosted upstreams load it).
 * `require()` and `createRequire(import.meta.url)` in the bundled code resolve from dist/bundle/,
 * which finds the same node_modules as dist/ does.
 */
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist", "bundle");
const sandboxDist = dirname(fileURLToPath(import.meta.resolve("@mcp-runtime/sandbox")));

await rm(out, { recursive: true, force: true });
await build({
  entryPoints: {
    cli: join(here, "dist", "cli.js"),
    // The sandbox looks for its thread entry beside its own code (host-process.ts): here, this folder.
    "worker-main": join(sandboxDist, "worker-main.js"),
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: [
    "@mcp-runtime/plugin-sdk",
    "@mcp-runtime/protocol",
    "zod",
    "bullmq",
    "ioredis",
    "@modelcontextprotocol/sdk",
    "bufferutil",
    "utf-8-validate",
  ],
  // Bundled CommonJS dependencies call require(); an ES module has none of its own.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
});
