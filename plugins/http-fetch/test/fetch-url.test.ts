/** @module fetch_url against a real local HTTP server (granted by name, as an operator would). */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BIG_HTML,
  BIG_SECTIONS,
  BINARY,
  createInstance,
  fetchUrl,
  LARGE_BODY,
  LARGE_SIZE,
  startServer,
  type TestServer,
  textOf,
} from "./fixture.js";

let server: TestServer;
let instance: Awaited<ReturnType<typeof createInstance>>;

beforeAll(async () => {
  server = await startServer();
  instance = await createInstance(["127.0.0.1"]);
});
afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

describe("fetch_url content handling", () => {
  it("converts an HTML page to the exact expected Markdown, links made absolute", async () => {
    const result = await fetchUrl(instance, { url: `${server.origin}/page.html` });
    const expected = readFileSync(new URL("./fixtures/page.md.txt", import.meta.url), "utf8")
      .replaceAll("ORIGIN", server.origin)
      .trimEnd();
    expect(result.isError).toBeUndefined();
    expect(textOf(result)).toBe(expected);
    expect(result.structuredContent).toEqual({
      url: `${server.origin}/page.html`,
      finalUrl: `${server.origin}/page.html`,
      status: 200,
      contentType: "text/html; charset=utf-8",
      bytes: Buffer.byteLength(readFileSync(new URL("./fixtures/page.html.txt", import.meta.url))),
      truncated: false,
      title: "Fixture & page",
    });
  });

  it("drops script, style, nav, hidden and head content from the Markdown (the title goes to structuredContent)", async () => {
    const text = textOf(await fetchUrl(instance, { url: `${server.origin}/page.html` }));
    for (const absent of [
      "window.secret",
      "not content",
      "color: red",
      "Home",
      "About",
      "Fixture",
      "hidden",
      "comment",
    ])
      expect(text).not.toContain(absent);
  });

  it("returns HTML as plain text with format text, and as sent with format raw", async () => {
    const plain = textOf(await fetchUrl(instance, { url: `${server.origin}/page.html`, format: "text" }));
    expect(plain.split("\n").slice(0, 3)).toEqual([
      "Release notes – v2",
      "",
      "This page has bold, emphasis and a relative link. Also npm\u00a0test.", // &nbsp; is kept as U+00A0
    ]);
    const raw = textOf(await fetchUrl(instance, { url: `${server.origin}/page.html`, format: "raw" }));
    expect(raw).toBe(readFileSync(new URL("./fixtures/page.html.txt", import.meta.url), "utf8"));
  });

  it("pretty-prints JSON, and leaves it as sent with format raw", async () => {
    const result = await fetchUrl(instance, { url: `${server.origin}/data.json` });
    expect(textOf(result)).toBe(JSON.stringify({ name: "mcp", tags: ["a", "b"], nested: { n: 1 } }, null, 2));
    const raw = await fetchUrl(instance, { url: `${server.origin}/data.json`, format: "raw" });
    expect(textOf(raw)).toBe('{"name":"mcp","tags":["a","b"],"nested":{"n":1}}');
  });

  it("returns text as is and decodes the charset the server names", async () => {
    expect(textOf(await fetchUrl(instance, { url: `${server.origin}/plain.txt` }))).toBe(
      "just text\n  kept as is\n",
    );
    expect(textOf(await fetchUrl(instance, { url: `${server.origin}/latin1.txt` }))).toBe("café");
  });

  it("sniffs a body sent without a content type", async () => {
    const result = await fetchUrl(instance, { url: `${server.origin}/untyped` });
    expect(textOf(result)).toBe('{\n  "sniffed": true\n}');
    expect(result.structuredContent).toMatchObject({ contentType: "" });
  });

  it("refuses binary content with a clear message", async () => {
    const result = await fetchUrl(instance, { url: `${server.origin}/image.png` });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `refused: ${server.origin}/image.png is binary (image/png); fetch_url returns text only`,
    );
    expect(BINARY.length).toBeGreaterThan(0);
  });

  it("follows a redirect and reports the final URL", async () => {
    const result = await fetchUrl(instance, { url: `${server.origin}/redirect` });
    expect(textOf(result)).toBe("just text\n  kept as is\n");
    expect(result.structuredContent).toMatchObject({
      url: `${server.origin}/redirect`,
      finalUrl: `${server.origin}/plain.txt`,
      status: 200,
    });
  });

  it("returns an error page as isError with the status and the page as Markdown", async () => {
    const result = await fetchUrl(instance, { url: `${server.origin}/missing` });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("HTTP 404 Not Found\n\n# Not here");
    expect(result.structuredContent).toMatchObject({ status: 404 });
  });

  it("refuses URLs that are not http or https before any request", async () => {
    for (const url of ["file:///etc/passwd", "ftp://127.0.0.1/x", "not a url"]) {
      const result = await fetchUrl(instance, { url });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^(only http and https URLs can be fetched|not a valid URL)/);
    }
  });
});

describe("fetch_url limits", () => {
  it("converts a 1 MB page within the default maxBytes whole, in under 15 s of CPU (half the default sandbox timeout)", async () => {
    const bytes = Buffer.byteLength(BIG_HTML);
    expect(bytes).toBeGreaterThan(1_000_000);
    expect(bytes).toBeLessThan(1_048_576);
    // CPU time, not wall time: the conversion runs on this thread (PluginInstance is in-process),
    // and the wall clock on a shared CI box measures the neighbours. Measured here: 5-6 s of CPU
    // for parse5 + to-mdast + to-markdown of 1 MB (and 20-30 s wall at load average 25 on 2 cores).
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await fetchUrl(instance, { url: `${server.origin}/big.html` });
    const { user, system } = process.cpuUsage(cpu);
    const cpuMs = (user + system) / 1000;
    console.info(
      `fetch_url converted a ${bytes}-byte page: ${Math.round(cpuMs)} ms CPU, ${Math.round(performance.now() - started)} ms wall`,
    );
    expect(result.structuredContent).toMatchObject({ bytes, truncated: false, title: "Big page" });
    const markdown = textOf(result);
    expect(markdown.match(/^## Section \d+$/gm)).toHaveLength(BIG_SECTIONS);
    expect(markdown).toContain(`[relative link](${server.origin}/s/${BIG_SECTIONS - 1})`);
    expect(markdown).toContain(`| n | ${BIG_SECTIONS - 1} |`);
    expect(cpuMs).toBeLessThan(15_000);
  }, 120_000);

  it("truncates at maxBytes and says so", async () => {
    const result = await fetchUrl(instance, { url: `${server.origin}/large.txt`, maxBytes: 1000 });
    expect(result.isError, textOf(result)).toBeUndefined();
    expect(textOf(result)).toBe(`${LARGE_BODY.slice(0, 1000)}\n\n[truncated after 1000 bytes]`);
    expect(result.structuredContent).toMatchObject({ bytes: 1000, truncated: true });
  });

  it("caps maxBytes at the operator's limit", async () => {
    const capped = await createInstance(["127.0.0.1"], { maxBytes: 4096 });
    const result = await fetchUrl(capped, { url: `${server.origin}/large.txt`, maxBytes: 100_000 });
    expect(result.structuredContent).toMatchObject({ bytes: 4096, truncated: true });
  });

  it("reads a body under maxBytes whole (default 1 MiB)", async () => {
    const result = await fetchUrl(instance, { url: `${server.origin}/large.txt` });
    expect(textOf(result)).toBe(LARGE_BODY);
    expect(result.structuredContent).toMatchObject({ bytes: LARGE_SIZE, truncated: false });
  });

  it("never cuts a UTF-8 character in half", async () => {
    // "ab€€" is 8 bytes; 4 bytes would split the first €, so the cut moves back to 2.
    const result = await fetchUrl(instance, { url: `${server.origin}/utf8.txt`, maxBytes: 4 });
    expect(textOf(result)).toBe("ab\n\n[truncated after 2 bytes]");
    expect(result.structuredContent).toMatchObject({ bytes: 2, truncated: true });
  });

  it("truncates a body past the deprecated downloadLimitBytes instead of refusing it", async () => {
    const small = await createInstance(["127.0.0.1"], { maxBytes: 1024, downloadLimitBytes: 65_536 });
    const result = await fetchUrl(small, { url: `${server.origin}/large.txt` });
    expect(result.isError).toBeUndefined();
    expect(textOf(result)).toBe(`${LARGE_BODY.slice(0, 1024)}\n\n[truncated after 1024 bytes]`);
    expect(result.structuredContent).toMatchObject({ bytes: 1024, truncated: true });
  });

  it("stops reading at maxBytes: a body that never ends is cut, not waited for", async () => {
    const result = await fetchUrl(instance, {
      url: `${server.origin}/slow-body`,
      maxBytes: 5,
      timeoutMs: 5_000,
    });
    expect(result.isError).toBeUndefined();
    expect(textOf(result)).toBe("first\n\n[truncated after 5 bytes]");
  });

  it("reports a body of exactly maxBytes as whole, not truncated", async () => {
    const result = await fetchUrl(instance, { url: `${server.origin}/large.txt`, maxBytes: LARGE_SIZE });
    expect(textOf(result)).toBe(LARGE_BODY);
    expect(result.structuredContent).toMatchObject({ bytes: LARGE_SIZE, truncated: false });
  });

  it("times out a server that never answers", async () => {
    const started = performance.now();
    const result = await fetchUrl(instance, { url: `${server.origin}/slow-headers`, timeoutMs: 200 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`timed out after 200 ms fetching ${server.origin}/slow-headers`);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("times out a body that never ends", async () => {
    const result = await fetchUrl(instance, { url: `${server.origin}/slow-body`, timeoutMs: 200 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`timed out after 200 ms fetching ${server.origin}/slow-body`);
  });

  it("caps timeoutMs at the operator's limit", async () => {
    const strict = await createInstance(["127.0.0.1"], { maxTimeoutMs: 150 });
    const result = await fetchUrl(strict, { url: `${server.origin}/slow-headers`, timeoutMs: 60_000 });
    expect(textOf(result)).toBe(`timed out after 150 ms fetching ${server.origin}/slow-headers`);
  });

  it("still loads a config that sets the deprecated downloadLimitBytes below maxBytes", async () => {
    await expect(createInstance([], { maxBytes: 2048, downloadLimitBytes: 1024 })).resolves.toBeDefined();
  });
});
