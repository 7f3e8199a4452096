/**
 * @module Builds the dashboard page into dist/public: the two HTML files as they are, and
 * assets/app.js + app.css (Preact, uPlot and its CSS bundled, minified) and assets/login.js. No
 * CDN and no inline script or style, so the sidecar can serve it under a strict CSP.
 */
import { copyFile, mkdir, rm, stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
// Its own folder: nothing of tsc's output (the server's modules) sits beside what is served.
const out = join(here, "..", "dist", "public");

await rm(out, { recursive: true, force: true });
await mkdir(join(out, "assets"), { recursive: true });
await build({
  entryPoints: { app: join(here, "src", "main.tsx"), login: join(here, "src", "login.ts") },
  outdir: join(out, "assets"),
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
});
await Promise.all(["index.html", "login.html"].map((file) => copyFile(join(here, file), join(out, file))));

const sizes = await Promise.all(
  ["assets/app.js", "assets/app.css", "assets/login.js"].map(async (file) => {
    const { size } = await stat(join(out, file));
    return `${file} ${(size / 1024).toFixed(1)} KiB`;
  }),
);
console.log(`dashboard → ${relative(process.cwd(), out) || "."}: ${sizes.join(", ")}`);
