#!/usr/bin/env node
// Committed launcher so `npm ci` can link the bin before anything is built.
import { existsSync } from "node:fs";
import module from "node:module";

// Node 22.1+ keeps V8's compiled code of every module on disk, so later starts skip most of the
// compiling; Node 20 has no such cache (nothing happens there).
module.enableCompileCache?.();

// The bundle (apps/runtime/bundle.mjs, part of `npm run build`) starts faster than the ~450
// compiled files it holds; MCP_RUNTIME_UNBUNDLED=1 runs those instead (stack traces name them).
const bundle = new URL("../dist/bundle/cli.js", import.meta.url);
const entry =
  process.env.MCP_RUNTIME_UNBUNDLED !== "1" && existsSync(bundle) ? bundle.href : "../dist/cli.js";

import(entry).catch((error) => {
  if (error && error.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli.js")) {
    process.stderr.write("mcp-runtime: not built yet; run `npm run build` at the repository root\n");
    process.exit(1);
  }
  throw error;
});
