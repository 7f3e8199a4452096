/**
 * @module `mcp-runtime init plugin NAME`: writes a new plugin package (see scaffold/) into --dir,
 * else `plugins/<name>` at the root of an mcp-runtime-like workspace (its package.json workspaces
 * include `plugins/*`), else `./<name>`; never over a non-empty folder without --force.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { checkPluginName } from "../scaffold/plugin-name.js";
import { renderPluginFiles } from "../scaffold/render-plugin.js";
import { type CliIo, EXIT, type ExitCode } from "./io.js";

export interface InitPluginOptions {
  dir?: string;
  description?: string;
  force?: boolean;
  json?: boolean;
}

async function inPluginWorkspace(cwd: string): Promise<boolean> {
  try {
    const pkg = JSON.parse(await readFile(join(cwd, "package.json"), "utf8")) as { workspaces?: unknown };
    const globs = Array.isArray(pkg.workspaces)
      ? pkg.workspaces
      : ((pkg.workspaces as { packages?: unknown } | undefined)?.packages ?? []);
    return Array.isArray(globs) && globs.some((glob) => glob === "plugins/*" || glob === "plugins/**");
  } catch {
    return false;
  }
}

async function isNonEmptyFolder(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return false;
    // A file (ENOTDIR) or an unreadable folder: writing there would fail or clobber, so refuse.
    return true;
  }
}

export async function initPlugin(name: string, options: InitPluginOptions, io: CliIo): Promise<ExitCode> {
  const names = checkPluginName(name);
  if (!names.ok) {
    io.stderr(`mcp-runtime: ${names.message}\nRun "mcp-runtime init plugin --help" for usage.\n`);
    return EXIT.usage;
  }
  const cwd = process.cwd();
  const workspace = options.dir === undefined && (await inPluginWorkspace(cwd));
  const target = resolve(cwd, options.dir ?? (workspace ? join("plugins", names.name) : names.name));
  const shown = relative(cwd, target) || ".";
  // How mcp-runtime.yaml in the current folder would name it.
  const configPath = shown.startsWith(".") || isAbsolute(shown) ? shown : `./${shown}`;
  if (!options.force && (await isNonEmptyFolder(target))) {
    io.stderr(`mcp-runtime: ${shown} exists and is not empty (pass --force to write over it)\n`);
    return EXIT.failed;
  }
  const files = renderPluginFiles({
    name,
    ...(options.description === undefined ? {} : { description: options.description }),
    dir: configPath,
  });
  try {
    for (const [path, text] of files) {
      const file = join(target, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
    }
  } catch (cause) {
    io.stderr(
      `mcp-runtime: cannot write ${shown}: ${cause instanceof Error ? cause.message : String(cause)}\n`,
    );
    return EXIT.failed;
  }
  const next = [
    ...(workspace ? ["npm install"] : [`cd ${shown}`, "npm install"]),
    workspace ? `npm run build -w ${names.package}` : "npm run build",
    workspace ? `npm test -w ${names.package}` : "npm test",
  ];
  const configLine = `plugins:\n  - { path: ${configPath} }`;
  if (options.json) {
    const result = {
      package: names.package,
      plugin: names.name,
      tool: names.tool,
      dir: target,
      files: [...files.keys()],
      next,
      config: { plugins: [{ path: configPath }] },
    };
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT.ok;
  }
  const lines = [
    `created plugin ${names.name} (package ${names.package}, tool ${names.tool}) in ${shown}/`,
    ...[...files.keys()].map((path) => `  ${path}`),
    "",
    "next:",
    ...next.map((command) => `  ${command}`),
    "",
    "then load it in mcp-runtime.yaml:",
    ...configLine.split("\n").map((line) => `  ${line}`),
    "",
  ];
  io.stdout(lines.join("\n"));
  return EXIT.ok;
}
