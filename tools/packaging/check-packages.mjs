#!/usr/bin/env node
/**
 * @module `npm run check:packages`: packs every publishable workspace package once and checks the
 * tarball as a consumer would get it: publint (every message, suggestions included), arethetypeswrong
 * (profile esm-only: node16 ESM and bundler resolution; the packages are ESM only), and the
 * manifest rules publint does not know (workspace ranges, exports shape, files, repository).
 * Exits 1 listing every problem. Needs built packages (`npm run build`).
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const started = performance.now();

/** Workspace folders whose packages are published (tools/* are private helpers). */
const PUBLISHED_GROUPS = ["packages", "apps", "plugins"];

function publishablePackages() {
  const found = [];
  for (const group of PUBLISHED_GROUPS) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const dir = join(root, group, name);
      const file = join(dir, "package.json");
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, "utf8"));
      if (!pkg.private) found.push({ dir, pkg });
    }
  }
  return found;
}

/** What publint and attw cannot see: rules this repo holds every published manifest to. */
function manifestProblems({ dir, pkg }) {
  const problems = [];
  const where = relative(root, dir);
  if (pkg.type !== "module") problems.push(`"type" must be "module"`);
  if (!pkg.license) problems.push(`"license" is missing`);
  if (!pkg.description) problems.push(`"description" is empty`);
  if (!pkg.engines?.node) problems.push(`"engines.node" is missing`);
  if (pkg.repository?.directory !== where) problems.push(`"repository.directory" must be "${where}"`);
  if (pkg.publishConfig?.access !== "public") problems.push(`"publishConfig.access" must be "public"`);
  if (!Array.isArray(pkg.files) || !pkg.files.includes("dist")) problems.push(`"files" must list "dist"`);
  if (!existsSync(join(dir, "README.md"))) problems.push("README.md is missing");
  if (!existsSync(join(dir, "CHANGELOG.md"))) problems.push("CHANGELOG.md is missing");
  const exportsMap = pkg.exports ?? {};
  if (exportsMap["./package.json"] !== "./package.json") problems.push(`"exports" lacks "./package.json"`);
  for (const [subpath, target] of Object.entries(exportsMap)) {
    if (subpath === "./package.json") continue;
    const conditions = typeof target === "object" && target !== null ? Object.keys(target) : [];
    if (conditions[0] !== "types")
      problems.push(`"exports['${subpath}']" must start with a "types" condition`);
  }
  // A tarball's "*" or exact pin of a sibling breaks installs outside the workspace or forces
  // lockstep upgrades; a caret range works in both places.
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (name.startsWith("@mcp-runtime/") && !/^\^\d+\.\d+\.\d+$/.test(range)) {
        problems.push(`"${field}.${name}" is "${range}": use a caret range such as "^${pkg.version}"`);
      }
    }
  }
  return problems;
}

function packAll(packages, destination) {
  const args = ["pack", "--json", "--pack-destination", destination];
  for (const { dir } of packages) args.push("--workspace", relative(root, dir));
  const run = spawnSync("npm", args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`npm pack failed (exit ${run.status}):\n${run.stderr}`);
  const byName = new Map();
  for (const entry of JSON.parse(run.stdout)) byName.set(entry.name, join(destination, entry.filename));
  return byName;
}

const attwBin = (() => {
  const manifest = createRequire(import.meta.url).resolve("@arethetypeswrong/cli/package.json");
  return join(dirname(manifest), JSON.parse(readFileSync(manifest, "utf8")).bin.attw);
})();

/** arethetypeswrong's findings for one tarball (its exit code is 1 when the profile finds any). */
function attw(tarball) {
  const args = [attwBin, tarball, "--profile", "esm-only", "--no-definitely-typed"];
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...args, "--format", "ascii", "--no-color", "--no-emoji"],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        done(error ? [`arethetypeswrong (exit ${error.code}):\n${stdout}${stderr}`] : []),
    );
  });
}

async function publintProblems(tarball) {
  const buffer = readFileSync(tarball);
  const tarData = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  const linted = await publint({ pack: { tarball: tarData }, level: "suggestion", strict: true });
  return linted.messages.map(
    (message) => `publint ${message.type}: ${formatMessage(message, linted.pkg, { color: false })}`,
  );
}

/** Checks one package; attw runs as a child process, so two packages are checked at a time. */
async function check(entry, tarball) {
  const problems = manifestProblems(entry);
  if (!tarball) return [...problems, "npm pack produced no tarball"];
  const [linted, typed] = await Promise.all([publintProblems(tarball), attw(tarball)]);
  return [...problems, ...linted, ...typed];
}

const packages = publishablePackages();
const unbuilt = packages.filter(({ dir }) => !existsSync(join(dir, "dist")));
if (unbuilt.length > 0) {
  console.error(
    `check:packages: no dist/ in ${unbuilt.map(({ dir }) => relative(root, dir)).join(", ")}; run \`npm run build\` first`,
  );
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), "mcp-runtime-check-packages-"));
let failed = 0;
try {
  const tarballs = packAll(packages, scratch);
  const results = new Array(packages.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < packages.length; index = next++) {
      const entry = packages[index];
      results[index] = await check(entry, tarballs.get(entry.pkg.name));
    }
  };
  await Promise.all([worker(), worker()]);
  packages.forEach(({ pkg }, index) => {
    const problems = results[index];
    if (problems.length === 0) {
      console.log(`ok   ${pkg.name}`);
    } else {
      failed += 1;
      console.log(`FAIL ${pkg.name}\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    }
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`checked ${packages.length} packages in ${seconds} s`);
console.log(`${packages.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
