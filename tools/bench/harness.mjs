/**
 * @module Locates the neutral benchmark harness (the shared `bench/` folder: raw node:http and
 * official-SDK anchors, wrk and a pipelined stdio driver), copies it somewhere writable and
 * installs its pinned dependencies once.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

export function locateHarness(repoRoot) {
  const candidates = [process.env.MCP_BENCH_HARNESS, join(repoRoot, "..", "shared", "bench")].filter(Boolean);
  const source = candidates.find((dir) => existsSync(join(dir, "run.sh")));
  if (!source) {
    throw new Error(
      `benchmark harness not found (looked in ${candidates.join(", ")}); set MCP_BENCH_HARNESS to a copy of the shared bench/ folder`,
    );
  }
  return resolve(source);
}

/** A private, writable copy (the shared folder may be read-only), refreshed when its lockfile changes. */
export function prepareHarness(source, workDir) {
  const target = join(workDir, "harness");
  const lock = (dir) =>
    existsSync(join(dir, "package-lock.json")) ? readFileSync(join(dir, "package-lock.json"), "utf8") : "";
  if (!existsSync(target) || lock(target) !== lock(source)) {
    rmSync(target, { recursive: true, force: true });
    cpSync(source, target, {
      recursive: true,
      filter: (path) =>
        !path.includes(`${join(source, "node_modules")}`) && !path.includes(join(source, "results")),
    });
  }
  if (!existsSync(join(target, "node_modules", "@modelcontextprotocol", "sdk"))) {
    const install = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: target, stdio: "inherit" });
    if (install.status !== 0) throw new Error("npm ci in the harness copy failed");
  }
  for (const bin of ["wrk", "curl", "taskset"]) {
    if (spawnSync("sh", ["-c", `command -v ${bin}`]).status !== 0) {
      throw new Error(`${bin} is missing: apt-get update && apt-get install -y wrk curl util-linux`);
    }
  }
  return target;
}
