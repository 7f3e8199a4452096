/** @module The file:// resource template, path completion and the summarize_file prompt. */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, type Fixture, hostContext } from "./fixture.js";

let fx: Fixture;
beforeAll(async () => {
  fx = await createFixture();
});
afterAll(() => fx.dispose());

const read = (relative: string) => {
  const uri = pathToFileURL(join(fx.root, relative)).href;
  return fx.instance.readTemplate("file", uri, { path: join(fx.root, relative) }, hostContext());
};

describe("file:// template", () => {
  it("reads a text file as text with a MIME type from its extension", async () => {
    expect(await read("hello.txt")).toEqual({
      contents: [
        {
          uri: pathToFileURL(join(fx.root, "hello.txt")).href,
          mimeType: "text/plain",
          text: "hello world\nsecond line\n",
        },
      ],
    });
    expect((await read("data.json"))?.contents[0]).toMatchObject({
      mimeType: "application/json",
      text: '{"a":1}',
    });
    expect((await read("src/a.ts"))?.contents[0]).toMatchObject({ mimeType: "text/x-typescript" });
  });

  it("reads a binary file as a base64 blob", async () => {
    expect((await read("image.bin"))?.contents[0]).toMatchObject({
      mimeType: "application/octet-stream",
      blob: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]).toString("base64"),
    });
  });

  it("decodes percent-encoded URIs", async () => {
    const uri = `file://${fx.root}/hello%2Etxt`;
    expect((await fx.instance.readTemplate("file", uri, {}, hostContext()))?.contents[0]).toMatchObject({
      text: "hello world\nsecond line\n",
    });
  });

  it("reads missing files, directories and non-file URIs as not found", async () => {
    expect(await read("nope.txt")).toBeUndefined();
    expect(await read("src")).toBeUndefined();
    expect(
      await fx.instance.readTemplate("file", "file://remote-host/etc/hosts", {}, hostContext()),
    ).toBeUndefined();
  });

  it("refuses a file over the read limit with an error", async () => {
    await expect(read("big.txt")).rejects.toThrow("over the 1024-byte read limit");
  });
});

describe("path completion", () => {
  const complete = (value: string) =>
    fx.instance.complete({ kind: "template", key: "file" }, "path", value, {});

  it("lists the entries of the partial value's directory that start with its last segment", async () => {
    expect((await complete(`${fx.root}/s`)).values).toEqual([`${fx.root}/src/`]);
    expect((await complete(`${fx.root}/src/`)).values).toEqual([
      `${fx.root}/src/a.ts`,
      `${fx.root}/src/b.ts`,
      `${fx.root}/src/nested/`,
    ]);
  });

  it("offers hidden entries only when the prefix starts with a dot", async () => {
    expect((await complete(`${fx.root}/`)).values).not.toContain(`${fx.root}/.hidden`);
    expect((await complete(`${fx.root}/.`)).values).toEqual([`${fx.root}/.hidden`]);
  });

  it("offers the roots for an empty value and nothing outside the roots", async () => {
    expect((await complete("")).values).toEqual([`${fx.root}/`]);
    expect((await complete(`${fx.outside}/`)).values).toEqual([]);
    expect((await complete(`${fx.root}/link-outside-dir/`)).values).toEqual([]);
  });

  it("completes the summarize_file prompt's path relative to the first root", async () => {
    const result = await fx.instance.complete(
      { kind: "prompt", name: "summarize_file" },
      "path",
      "src/n",
      {},
    );
    expect(result.values).toEqual(["src/nested/"]);
  });
});

describe("summarize_file prompt", () => {
  it("embeds the file as a resource and asks for a summary", async () => {
    const result = await fx.instance.getPrompt("summarize_file", { path: "notes.md" }, hostContext());
    expect(result.messages).toEqual([
      {
        role: "user",
        content: {
          type: "resource",
          resource: {
            uri: pathToFileURL(join(fx.root, "notes.md")).href,
            mimeType: "text/markdown",
            text: "# Notes\n",
          },
        },
      },
      { role: "user", content: { type: "text", text: "Summarize this file." } },
    ]);
  });

  it("refuses a file outside the roots", async () => {
    await expect(
      fx.instance.getPrompt("summarize_file", { path: "link-passwd" }, hostContext()),
    ).rejects.toThrow("path is outside the allowed roots");
  });
});
