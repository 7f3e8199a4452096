/** @module The HTML → Markdown converter on the shapes real pages have, including malformed ones. */
import { describe, expect, it } from "vitest";
import { htmlToMarkdown } from "../src/index.js";

const md = (html: string) => htmlToMarkdown(html, { baseUrl: "https://example.com/a/b.html" });

describe("htmlToMarkdown", () => {
  it("closes implied paragraphs and list items", () => {
    expect(md("<p>one<p>two<ul><li>a<li>b</ul>")).toBe("one\n\ntwo\n\n- a\n- b");
  });

  it("keeps whitespace between inline elements and moves it outside emphasis", () => {
    expect(md("<p>a<b> bold </b>c <i>it</i>.</p>")).toBe("a **bold** c *it*.");
  });

  it("resolves relative links and drops javascript: and fragment-only links to their text", () => {
    expect(md('<a href="../c">up</a> <a href="javascript:alert(1)">js</a> <a href="#x">frag</a>')).toBe(
      "[up](https://example.com/c) js frag",
    );
  });

  it("chooses a longer fence when the code itself holds backticks", () => {
    expect(md("<pre>a ``` b</pre>")).toBe("````\na ``` b\n````");
  });

  it("ignores stray end tags and unterminated markup without throwing", () => {
    expect(md("</div><p>ok</span> <b>open")).toBe("ok **open**");
    expect(md("a < b and <3")).toBe("a < b and <3");
  });

  it("decodes numeric and named references, leaving unknown names alone", () => {
    expect(md("<p>&lt;tag&gt; &#65;&#x42; &bogus; &amp;amp;</p>")).toBe("<tag> AB &bogus; &amp;");
  });

  it("treats script content as text, so markup inside it never leaks", () => {
    expect(md('<script>document.write("<h1>x</h1>")</script><h2>real</h2>')).toBe("## real");
  });
});
