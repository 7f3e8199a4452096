/** @module Test fixture: a real temporary tree with a root, a sibling outside it, and symlinks both ways. */
import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestCallContext, type HostCallContext, PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import plugin from "../src/index.js";

export interface Fixture {
  /** Holds `root` and `outside`; removed by `dispose`. */
  readonly base: string;
  readonly root: string;
  readonly outside: string;
  readonly instance: PluginInstance;
  dispose(): Promise<void>;
}

export const MAX_READ_BYTES = 1024;

export function hostContext(): HostCallContext {
  return createTestCallContext();
}

export async function createFixture(config: Record<string, unknown> = {}): Promise<Fixture> {
  // realpath: the plugin reports real paths, and tmpdir() may itself be a symlink (macOS).
  const base = await realpath(await mkdtemp(join(tmpdir(), "plugin-fs-")));
  const root = join(base, "root");
  const outside = join(base, "outside");
  await mkdir(join(root, "src", "nested"), { recursive: true });
  await mkdir(outside);
  await writeFile(join(root, "hello.txt"), "hello world\nsecond line\n");
  await writeFile(join(root, "notes.md"), "# Notes\n");
  await writeFile(join(root, "data.json"), '{"a":1}');
  await writeFile(join(root, ".hidden"), "shh");
  await writeFile(join(root, "image.bin"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
  await writeFile(join(root, "big.txt"), "x".repeat(MAX_READ_BYTES * 2));
  await writeFile(join(root, "src", "a.ts"), "export const a = 1;\n");
  await writeFile(join(root, "src", "b.ts"), "export const b = 2;\n");
  await writeFile(join(root, "src", "nested", "c.ts"), "// c\nconst needle = true;\n");
  await chmod(join(root, "hello.txt"), 0o640);
  await writeFile(join(outside, "secret.txt"), "top secret");
  await writeFile(join(outside, "secret.ts"), "export const secret = 1;\n");
  await symlink("hello.txt", join(root, "link-inside"));
  await symlink("/etc/passwd", join(root, "link-passwd"));
  await symlink(outside, join(root, "link-outside-dir"));
  const instance = await PluginInstance.create(plugin, {
    config: { root, maxReadBytes: MAX_READ_BYTES, ...config },
  });
  return { base, root, outside, instance, dispose: () => rm(base, { recursive: true, force: true }) };
}

/** The text of a tool result's single text block. */
export function textOf(result: { content: { type: string }[] }): string {
  const [block] = result.content;
  if (block === undefined || block.type !== "text" || !("text" in block) || typeof block.text !== "string")
    throw new Error(`expected one text block, got ${JSON.stringify(result.content)}`);
  return block.text;
}
