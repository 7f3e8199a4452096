#!/usr/bin/env node
// Committed launcher so `npm ci` can link the bin before anything is built.
import("../dist/cli.js").catch((error) => {
  if (error && error.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli.js")) {
    process.stderr.write("mcp-sidecar: not built yet; run `npm run build` at the repository root\n");
    process.exit(1);
  }
  throw error;
});
