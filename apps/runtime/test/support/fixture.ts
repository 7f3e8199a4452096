/**
 * @module Temporary fixtures: a directory of known files for the fs plugin and a runtime config
 * loading the echo, fs and conformance plugins. Each suite gets its own directory and removes it.
 */
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const HELLO_TEXT = "Hello from the fs fixture.\n";
export const TODO_TEXT = "# Todo\n\n- write acceptance tests\n";

export interface Fixture {
  /** the temporary directory holding everything below */
  readonly dir: string;
  /** the root granted to the fs plugin */
  readonly root: string;
  /** `<root>/hello.txt`, containing HELLO_TEXT */
  readonly helloPath: string;
  /** `<root>/notes/todo.md`, containing TODO_TEXT */
  readonly todoPath: string;
  /** a valid config serving all three plugins over stdio */
  readonly configPath: string;
  /** writes `name` (JSON for objects, verbatim for strings) into the fixture directory */
  writeFile(name: string, content: string | object): Promise<string>;
  remove(): Promise<void>;
}

/** The config the interop suites serve: every plugin, stdio, quiet logs. */
export function runtimeConfig(root: string): object {
  return {
    server: { name: "mcp-runtime-acceptance", transport: "stdio" },
    plugins: [
      { package: "@mcp-runtime/plugin-echo" },
      { package: "@mcp-runtime/plugin-fs", config: { root }, sandbox: { fs: { read: [root] } } },
      { package: "@mcp-runtime/plugin-conformance" },
    ],
    telemetry: { logLevel: "warn" },
  };
}

export async function createFixture(): Promise<Fixture> {
  // realpath: on some systems the temp dir is a symlink, and the fs plugin reports real paths.
  const dir = await realpath(await mkdtemp(join(tmpdir(), "mcp-runtime-acceptance-")));
  const root = join(dir, "root");
  await mkdir(join(root, "notes"), { recursive: true });
  const helloPath = join(root, "hello.txt");
  const todoPath = join(root, "notes", "todo.md");
  await writeFile(helloPath, HELLO_TEXT);
  await writeFile(todoPath, TODO_TEXT);
  const write = async (name: string, content: string | object): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
    return path;
  };
  const configPath = await write("mcp-runtime.json", runtimeConfig(root));
  return {
    dir,
    root,
    helloPath,
    todoPath,
    configPath,
    writeFile: write,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
