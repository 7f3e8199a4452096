/**
 * @module Confinement: every way out of the roots (`..`, absolute paths, symlinks) is refused by
 * tools and the file template alike, and no refusal names a path outside the roots.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PluginInstance, PluginInstanceError } from "@mcp-runtime/plugin-sdk/host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { createFixture, type Fixture, hostContext, textOf } from "./fixture.js";

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(() => fx.dispose());

const call = (name: string, input: Record<string, unknown>) =>
  fx.instance.callTool(name, input, hostContext());

describe("paths outside the roots", () => {
  const escapes = () => [
    { label: "../ traversal", path: "../outside/secret.txt" },
    { label: "../ traversal from a subdirectory", path: "src/../../outside/secret.txt" },
    { label: "an absolute path outside", path: join(fx.outside, "secret.txt") },
    { label: "an absolute system path", path: "/etc/passwd" },
    { label: "a symlink to /etc/passwd", path: "link-passwd" },
    { label: "a file through a symlinked directory outside", path: "link-outside-dir/secret.txt" },
  ];

  it("are refused by read_file and stat with a message that names no outside path", async () => {
    for (const { label, path } of escapes()) {
      for (const tool of ["read_file", "stat"]) {
        const result = await call(tool, { path });
        expect(result.isError, `${tool} ${label}`).toBe(true);
        expect(textOf(result), `${tool} ${label}`).toBe("path is outside the allowed roots");
      }
    }
  });

  it("are refused by search_files and list_directory as a starting point", async () => {
    for (const tool of ["search_files", "list_directory"]) {
      for (const path of ["..", fx.outside, "link-outside-dir"]) {
        const result = await call(tool, { path, pattern: "*" });
        expect(result.isError, `${tool} ${path}`).toBe(true);
        expect(textOf(result)).toBe("path is outside the allowed roots");
      }
    }
  });

  it("read as not found through the file:// template", async () => {
    for (const path of [join(fx.outside, "secret.txt"), "/etc/passwd", join(fx.root, "link-passwd")]) {
      const uri = pathToFileURL(path).href;
      expect(await fx.instance.readTemplate("file", uri, { path }, hostContext()), path).toBeUndefined();
    }
    // The URL parser folds "..", so this is the outside file again, not a path inside the root.
    const dotted = `file://${fx.root}/../outside/secret.txt`;
    expect(await fx.instance.readTemplate("file", dotted, {}, hostContext())).toBeUndefined();
  });

  it("do not show up in search results even when a symlink leads there", async () => {
    const result = await call("search_files", { path: ".", pattern: "secret*" });
    expect(result.structuredContent).toEqual({ matches: [], truncated: false });
  });
});

describe("symlinks inside the roots", () => {
  it("are followed by read_file and the template", async () => {
    expect(textOf(await call("read_file", { path: "link-inside" }))).toBe("hello world\nsecond line\n");
    const uri = pathToFileURL(join(fx.root, "link-inside")).href;
    const read = await fx.instance.readTemplate("file", uri, {}, hostContext());
    expect(read?.contents[0]).toMatchObject({ uri, text: "hello world\nsecond line\n" });
  });
});

describe("config", () => {
  it("is refused without a root", async () => {
    await expect(PluginInstance.create(plugin, { config: {} })).rejects.toBeInstanceOf(PluginInstanceError);
  });

  it("is refused with an unknown key", async () => {
    await expect(
      PluginInstance.create(plugin, { config: { root: fx.root, writable: true } }),
    ).rejects.toMatchObject({ code: "ERR_PLUGIN_CONFIG" });
  });

  it("grants nothing through ctx.fs roots that the config does not name", async () => {
    // The sandbox may grant more than the plugin's config; the plugin confines itself to its config.
    const instance = await PluginInstance.create(plugin, {
      config: { root: join(fx.root, "src") },
      fsRoots: [fx.base],
    });
    const result = await instance.callTool("read_file", { path: join(fx.root, "hello.txt") }, hostContext());
    expect(textOf(result)).toBe("path is outside the allowed roots");
  });

  it("accepts several roots and resolves relative paths against the first", async () => {
    const instance = await PluginInstance.create(plugin, {
      config: { roots: [join(fx.root, "src"), fx.outside] },
    });
    expect(textOf(await instance.callTool("read_file", { path: "a.ts" }, hostContext()))).toBe(
      "export const a = 1;\n",
    );
    const secret = await instance.callTool(
      "read_file",
      { path: join(fx.outside, "secret.txt") },
      hostContext(),
    );
    expect(textOf(secret)).toBe("top secret");
  });

  it("reports a root that does not exist without naming it", async () => {
    const instance = await PluginInstance.create(plugin, { config: { root: join(fx.base, "missing") } });
    const result = await instance.callTool("read_file", { path: "x" }, hostContext());
    expect(textOf(result)).toBe("none of the configured roots exists");
  });
});
