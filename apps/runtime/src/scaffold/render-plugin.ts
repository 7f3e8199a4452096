/**
 * @module The files of a new plugin package, rendered from `templates/plugin/` (the one source of
 * truth, shared by `mcp-runtime init plugin` and the `@mcp-runtime/scaffold:plugin` Nx generator).
 * A template file's `{{key}}` is replaced, escaped for the file it is in; `__name__` in a path is
 * the plugin's name; `gitignore` becomes `.gitignore` (npm drops dotfiles named .gitignore) and
 * `package.json.template` becomes `package.json` (a real one would be read as a nested package).
 */
import { readdirSync, readFileSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { RUNTIME_DIR } from "../package-dir.js";
import { dependencyVersions } from "./dependency-versions.js";
import { checkPluginName } from "./plugin-name.js";

export interface RenderPluginOptions {
  /** npm package name, bare (`weather`) or scoped (`@acme/weather`) */
  name: string;
  description?: string;
  /** how mcp-runtime.yaml names the plugin's folder (for the README); default `./<name>` */
  dir?: string;
}

export type ScaffoldErrorCode = "ERR_SCAFFOLD_NAME" | "ERR_SCAFFOLD_TEMPLATE";

export class ScaffoldError extends Error {
  readonly code: ScaffoldErrorCode;
  constructor(code: ScaffoldErrorCode, message: string) {
    super(message);
    this.name = "ScaffoldError";
    this.code = code;
  }
}

const TEMPLATE_DIR = join(RUNTIME_DIR, "templates", "plugin");
const TOKEN = /\{\{([a-z]+(?::[@a-z0-9/._-]+)?)\}\}/g;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** JSON and TypeScript templates hold values inside double-quoted strings: escape them as JSON does. */
function escaperFor(path: string): (value: string) => string {
  const ext = extname(path);
  return ext === ".json" || ext === ".ts" ? (value) => JSON.stringify(value).slice(1, -1) : (value) => value;
}

/** Relative path (with `/`) → file content, in a stable order. Throws ScaffoldError on a bad name. */
export function renderPluginFiles(options: RenderPluginOptions): Map<string, string> {
  const names = checkPluginName(options.name);
  if (!names.ok) throw new ScaffoldError("ERR_SCAFFOLD_NAME", names.message);
  const values = new Map<string, string>([
    ["package", names.package],
    ["name", names.name],
    ["tool", names.tool],
    ["description", options.description ?? `The ${names.name} plugin for mcp-runtime`],
    ["dir", (options.dir ?? `./${names.name}`).split(sep).join("/")],
  ]);
  for (const [dependency, version] of Object.entries(dependencyVersions()))
    values.set(`version:${dependency}`, version);
  const files = new Map<string, string>();
  for (const file of listFiles(TEMPLATE_DIR).sort()) {
    const path = relative(TEMPLATE_DIR, file)
      .split(sep)
      .join("/")
      .replace("__name__", names.name)
      .replace(/^gitignore$/, ".gitignore")
      // A real package.json inside a published package is read by tools as a nested package (publint).
      .replace(/\.template$/, "");
    const escapeValue = escaperFor(path);
    const text = readFileSync(file, "utf8").replace(TOKEN, (token, key: string) => {
      const value = values.get(key);
      if (value === undefined)
        throw new ScaffoldError("ERR_SCAFFOLD_TEMPLATE", `${path}: unknown template token ${token}`);
      return escapeValue(value);
    });
    files.set(path, text);
  }
  return files;
}
