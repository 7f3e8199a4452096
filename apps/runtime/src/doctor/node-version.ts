/** @module The running Node against the runtime's `engines.node` (a `>=X.Y.Z` range). */
import { RUNTIME_MANIFEST } from "../package-dir.js";
import { type DoctorCheck, fail, ok } from "./check.js";

function engines(): string {
  return RUNTIME_MANIFEST.engines?.node ?? ">=20.19.0";
}

const parts = (version: string): number[] =>
  version
    .replace(/^[^\d]*/, "")
    .split(".")
    .map((n) => Number.parseInt(n, 10) || 0);

/** -1, 0 or 1 as `a` is below, equal to or above `b` (major.minor.patch). */
function compare(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function checkNodeVersion(
  running: string = process.versions.node,
  range: string = engines(),
): DoctorCheck {
  const minimum = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range.trim())?.[1];
  if (minimum === undefined) return ok("node", `Node ${running} (engines: ${range}, not checked)`);
  if (compare(running, minimum) >= 0) return ok("node", `Node ${running} (needs ${range})`);
  return fail(
    "node",
    `Node ${running} is older than the ${range} the runtime needs`,
    `install Node ${minimum} or newer (e.g. \`nvm install ${minimum.split(".")[0]}\`)`,
  );
}
