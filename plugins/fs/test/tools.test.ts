/** @module The fs plugin's tools on a real temporary tree: list, read, search, stat, list_roots. */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, type Fixture, hostContext, MAX_READ_BYTES, textOf } from "./fixture.js";

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture({ maxSearchResults: 50 });
});
afterAll(() => fx.dispose());

const call = (name: string, input: Record<string, unknown>) => {
  const checked = fx.instance.validateToolInput(name, input);
  if (!checked.ok) throw new Error(checked.message);
  return fx.instance.callTool(name, checked.value, hostContext());
};

describe("manifest", () => {
  it("declares five read-only tools, the file template and the summarize_file prompt", () => {
    const { tools, resourceTemplates, prompts } = fx.instance.manifest;
    expect(tools.map((t) => t.name).sort()).toEqual([
      "list_directory",
      "list_roots",
      "read_file",
      "search_files",
      "stat",
    ]);
    for (const tool of tools) expect(tool.annotations?.readOnlyHint).toBe(true);
    expect(resourceTemplates).toMatchObject([
      { uriTemplate: "file://{+path}", name: "file", completable: ["path"] },
    ]);
    expect(prompts).toMatchObject([
      { name: "summarize_file", arguments: [{ name: "path", required: true }] },
    ]);
  });
});

describe("list_directory", () => {
  it("lists top-level entries with type and file size, symlinks unfollowed", async () => {
    const result = await call("list_directory", { path: fx.root });
    expect(result.isError).toBeUndefined();
    const { entries, truncated } = result.structuredContent as {
      entries: { name: string; type: string; size?: number }[];
      truncated: boolean;
    };
    expect(truncated).toBe(false);
    expect(entries).toContainEqual({ name: "hello.txt", type: "file", size: 24 });
    expect(entries).toContainEqual({ name: "src", type: "directory" });
    expect(entries).toContainEqual({ name: "link-passwd", type: "symlink" });
    expect(entries).toContainEqual({ name: "link-outside-dir", type: "symlink" });
    expect(entries.some((e) => e.name.includes("/"))).toBe(false);
  });

  it("descends into subdirectories when recursive, but not through symlinks", async () => {
    const result = await call("list_directory", { path: ".", recursive: true });
    const names = (result.structuredContent as { entries: { name: string }[] }).entries.map((e) => e.name);
    expect(names).toContain("src/nested/c.ts");
    expect(names.some((n) => n.startsWith("link-outside-dir/"))).toBe(false);
  });

  it("stops at maxDepth", async () => {
    const result = await call("list_directory", { path: ".", recursive: true, maxDepth: 2 });
    const names = (result.structuredContent as { entries: { name: string }[] }).entries.map((e) => e.name);
    expect(names).toContain("src/nested");
    expect(names).not.toContain("src/nested/c.ts");
  });

  it("refuses a symlink to a directory outside the roots", async () => {
    const result = await call("list_directory", { path: "link-outside-dir" });
    expect(result).toMatchObject({ isError: true });
    expect(textOf(result)).toBe("path is outside the allowed roots");
  });
});

describe("read_file", () => {
  it("returns a text file's contents as text", async () => {
    const result = await call("read_file", { path: "hello.txt" });
    expect(result).toEqual({ content: [{ type: "text", text: "hello world\nsecond line\n" }] });
  });

  it("returns a binary file as an embedded blob resource", async () => {
    const result = await call("read_file", { path: join(fx.root, "image.bin") });
    expect(result.content).toEqual([
      {
        type: "resource",
        resource: {
          uri: `file://${fx.root}/image.bin`,
          mimeType: "application/octet-stream",
          blob: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]).toString("base64"),
        },
      },
    ]);
  });

  it("returns base64 for a text file when asked", async () => {
    const result = await call("read_file", { path: "notes.md", encoding: "base64" });
    expect(result.content[0]).toMatchObject({
      type: "resource",
      resource: { mimeType: "text/markdown", blob: Buffer.from("# Notes\n").toString("base64") },
    });
  });

  it("refuses a file over the configured limit", async () => {
    const result = await call("read_file", { path: "big.txt" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `file is ${MAX_READ_BYTES * 2} bytes, over the ${MAX_READ_BYTES}-byte read limit`,
    );
  });

  it("refuses a file over a caller's smaller maxBytes, and never raises the operator's limit", async () => {
    expect((await call("read_file", { path: "hello.txt", maxBytes: 4 })).isError).toBe(true);
    expect((await call("read_file", { path: "big.txt", maxBytes: MAX_READ_BYTES * 4 })).isError).toBe(true);
  });

  it("reports a missing file as not found", async () => {
    const result = await call("read_file", { path: "nope.txt" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("not found");
  });

  it("refuses a directory", async () => {
    const result = await call("read_file", { path: "src" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("path is not a regular file");
  });
});

describe("search_files", () => {
  type Found = { matches: { path: string; type: string; line?: number }[]; truncated: boolean };

  it("finds files by glob on the name, and never through symlinks out of the roots", async () => {
    const result = await call("search_files", { path: ".", pattern: "*.ts" });
    const found = result.structuredContent as Found;
    expect(found.matches.map((m) => m.path).sort()).toEqual(
      ["src/a.ts", "src/b.ts", "src/nested/c.ts"].map((p) => join(fx.root, p)),
    );
    expect(found.truncated).toBe(false);
  });

  it("matches a glob with a slash against the relative path", async () => {
    const result = await call("search_files", { path: fx.root, pattern: "src/*.{ts,js}" });
    expect((result.structuredContent as Found).matches.map((m) => m.path)).toEqual(
      ["src/a.ts", "src/b.ts"].map((p) => join(fx.root, p)),
    );
  });

  it("treats a pattern without glob characters as a case-insensitive substring", async () => {
    const result = await call("search_files", { path: ".", pattern: "HELLO" });
    expect((result.structuredContent as Found).matches).toEqual([
      { path: join(fx.root, "hello.txt"), type: "file" },
    ]);
  });

  it("keeps only text files containing contentQuery and gives the first matching line", async () => {
    const result = await call("search_files", { path: ".", pattern: "*", contentQuery: "needle" });
    expect((result.structuredContent as Found).matches).toEqual([
      { path: join(fx.root, "src/nested/c.ts"), type: "file", line: 2 },
    ]);
    expect(textOf(result)).toBe(`${join(fx.root, "src/nested/c.ts")}:2`);
  });

  it("stops at maxResults and says the list is truncated", async () => {
    const result = await call("search_files", { path: ".", pattern: "*", maxResults: 2 });
    const found = result.structuredContent as Found;
    expect(found.matches).toHaveLength(2);
    expect(found.truncated).toBe(true);
  });
});

describe("stat", () => {
  it("gives size, type, ISO mtime and octal mode", async () => {
    const result = await call("stat", { path: "hello.txt" });
    const info = result.structuredContent as Record<string, unknown>;
    expect(info).toMatchObject({ path: join(fx.root, "hello.txt"), type: "file", size: 24, mode: "0640" });
    expect(new Date(String(info.mtime)).toISOString()).toBe(info.mtime);
    expect((await call("stat", { path: "src" })).structuredContent).toMatchObject({ type: "directory" });
  });

  it("resolves a symlink that stays inside the roots", async () => {
    const result = await call("stat", { path: "link-inside" });
    expect(result.structuredContent).toMatchObject({ path: join(fx.root, "hello.txt"), type: "file" });
  });
});

describe("list_roots", () => {
  it("lists the configured root as a path and a file URI", async () => {
    const result = await call("list_roots", {});
    expect(result.structuredContent).toEqual({ roots: [{ path: fx.root, uri: `file://${fx.root}` }] });
  });
});
