/**
 * @module The built page (`dist/public`: index.html, login.html, assets/*) served from disk.
 * Only plain file names (letters, digits, `.`, `_`, `-`; no leading dot) in known folders are
 * looked up, so no request can reach a file outside the root; anything else is a 404.
 */
import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder the page's build writes (dashboard/build.mjs), beside tsc's output in dist/. */
export const DEFAULT_DASHBOARD_ROOT = fileURLToPath(new URL("../../dist/public/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Sends `relative` (segments joined by `/`) from `root`, or returns false (the caller 404s).
 * HTML is `no-store` (it changes with the build and must not outlive a logout); assets `no-cache`.
 */
export async function sendStatic(response: ServerResponse, root: string, relative: string): Promise<boolean> {
  const segments = relative.split("/");
  if (segments.length > 4 || !segments.every((segment) => SEGMENT.test(segment))) return false;
  const type = TYPES[extname(relative).toLowerCase()];
  if (type === undefined) return false;
  const base = resolve(root);
  const file = resolve(join(base, ...segments));
  if (!file.startsWith(base + sep)) return false;
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return false;
  }
  response.statusCode = 200;
  response.setHeader("content-type", type);
  response.setHeader("content-length", body.length);
  response.setHeader("cache-control", type.startsWith("text/html") ? "no-store" : "no-cache");
  response.end(body);
  return true;
}
