#!/usr/bin/env node
// Committed launcher so `npm ci` can link the bin before anything is built.
import module from "node:module";

// Node 22.1+ keeps V8's compiled code of every module on disk, so later starts skip most of the
// compiling; Node 20 has no such cache (nothing happens there).
module.enableCompileCache?.();

import("../dist/cli.js").catch((error) => {
  if (error && error.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli.js")) {
    process.stderr.write("mcp-runtime: not built yet; run `npm run build` at the repository root\n");
    process.exit(1);
  }
  throw error;
});
