/**
 * @module The HTML → Markdown conversion (parse5 via hast-util-from-html, hast-util-to-mdast,
 * mdast-util-to-markdown + GFM) on the shapes real pages have, malformed ones included.
 */
import { describe, expect, it } from "vitest";
import { convertHtml, htmlToMarkdown } from "../src/index.js";

const BASE = "https://example.com/a/b.html";
const md = (html: string) => htmlToMarkdown(html, { baseUrl: BASE });
const text = (html: string) => htmlToMarkdown(html, { baseUrl: BASE, plain: true });

describe("htmlToMarkdown: parsing as browsers do", () => {
  it("closes implied paragraphs and list items", () => {
    expect(md("<p>one<p>two<ul><li>a<li>b</ul>")).toBe("one\n\ntwo\n\n- a\n- b");
  });

  it("ignores stray end tags and unterminated markup without throwing", () => {
    expect(md("</div><p>ok</span> <b>open")).toBe("ok **open**");
    expect(md("a < b and <3")).toBe("a < b and <3");
  });

  it("decodes entities by the HTML spec: named, numeric, astral, legacy names without semicolon", () => {
    // `&amp;nbsp;` is the text "&nbsp;", escaped so Markdown does not decode it again; `&not` is a
    // legacy name browsers decode even before letters, so `&notanentity` reads "¬anentity".
    expect(md("<p>&amp;nbsp; &eacute; &#x1F600; &notanentity &notin; AT&T &copy</p>")).toBe(
      "\\&nbsp; é 😀 ¬anentity ∉ AT&T ©",
    );
    expect(md("<p>&lt;tag&gt; &#65;&#x42; &bogus; &amp;amp;</p>")).toBe("\\<tag> AB \\&bogus; \\&amp;");
  });

  it("leaves legacy names undecoded inside attribute values, as browsers do, and never escapes & in URLs", () => {
    expect(md('<a href="/q?a=1&notanentity=2&copy=3">q</a>')).toBe(
      "[q](https://example.com/q?a=1&notanentity=2&copy=3)",
    );
  });

  it("treats script content as raw text: a '</div>' inside it neither closes nor leaks", () => {
    expect(md('<div><script>document.write("</div><p>leak</p>")</script><p>real</p></div>')).toBe("real");
    expect(md('<script>document.write("<h1>x</h1>")</script><h2>real</h2>')).toBe("## real");
  });

  it("drops comments and CDATA sections (bogus comments in HTML content)", () => {
    expect(md("<p>before<!-- <p>hidden</p> --><![CDATA[ cdata ]]>after</p>")).toBe("beforeafter");
  });

  it("recovers from malformed attributes the way the spec says", () => {
    expect(md('<p class="a""b" id=x=y>one</p><p data-x=1 =oops>two</p><img src=/i.png alt=pic<p>three')).toBe(
      "one\n\ntwo\n\n![pic\\<p](https://example.com/i.png)three",
    );
    // `<b` becomes an attribute name of the <p>, so "bold" is plain text.
    expect(md('<p id="x" id="y" <b>bold</b></p><p>after')).toBe("bold\n\nafter");
  });
});

describe("htmlToMarkdown: Markdown shapes", () => {
  it("keeps whitespace between inline elements and moves it outside emphasis", () => {
    expect(md("<p>a<b> bold </b>c <i>it</i>.</p>")).toBe("a **bold** c *it*.");
    expect(md("<p>x<a href=/y> <b>link </b> </a>z</p>")).toBe("x [**link**](https://example.com/y) z");
  });

  it("turns a table with thead and tbody into a GFM table, pipes in cells escaped", () => {
    expect(
      md(
        "<table><thead><tr><th>Name<th>Qty</thead><tbody><tr><td>apple<td>3<tr><td>a|b<td>5</tbody></table>",
      ),
    ).toBe("| Name | Qty |\n| - | - |\n| apple | 3 |\n| a\\|b | 5 |");
  });

  it("nests lists, ordered inside unordered", () => {
    expect(md("<ul><li>one<ul><li>one.a<li>one.b<ol><li>deep</ol></ul><li>two</ul>")).toBe(
      "- one\n\n  - one.a\n  - one.b\n    1. deep\n\n- two",
    );
  });

  it("fences pre/code with the language from class language-*, entities decoded inside", () => {
    expect(md('<pre><code class="language-python">def f():\n    return 1 &lt; 2\n</code></pre>')).toBe(
      "```python\ndef f():\n    return 1 < 2\n```",
    );
  });

  it("chooses a longer fence when the code itself holds backticks", () => {
    expect(md("<pre>a ``` b</pre>")).toBe("````\na ``` b\n````");
  });

  it("writes strikethrough as GFM ~~", () => {
    expect(md("<p><s>old</s> <del>gone</del> new</p>")).toBe("~~old~~ ~~gone~~ new");
  });
});

describe("htmlToMarkdown: links, title and dropped content", () => {
  it("resolves relative and protocol-relative links; javascript: and fragment-only links keep only their text", () => {
    expect(
      md(
        '<a href="../c">up</a> <a href="javascript:alert(1)">js</a> <a href="#x">frag</a> <a href="//cdn.example.org/x">cdn</a>',
      ),
    ).toBe("[up](https://example.com/c) js frag [cdn](https://cdn.example.org/x)");
  });

  it("resolves links and images against the page's <base href>, itself relative to the page URL", () => {
    const page = '<head><base href="/docs/"></head><p><a href="intro">i</a> <img src="p.png" alt="p"></p>';
    expect(md(page)).toBe("[i](https://example.com/docs/intro) ![p](https://example.com/docs/p.png)");
  });

  it("keeps the title: as the leading heading when the body has no h1, and always in the result", () => {
    expect(convertHtml("<title> My  Page </title><p>body</p>", { baseUrl: BASE })).toEqual({
      text: "# My Page\n\nbody",
      title: "My Page",
    });
    expect(convertHtml("<title>Site | Post</title><h1>Post</h1>", { baseUrl: BASE })).toEqual({
      text: "# Post",
      title: "Site | Post",
    });
  });

  it("drops script, style, noscript, template, hidden and aria-hidden content", () => {
    const page =
      '<p hidden>h</p><div aria-hidden="true">ah</div><noscript>ns</noscript><template><p>tpl</p></template>' +
      "<style>p{}</style><script>var s</script><p>kept</p>";
    expect(md(page)).toBe("kept");
  });

  it("writes a data: image as its alt text", () => {
    expect(md('<img src="data:image/png;base64,AAAA" alt="inline"><p>x</p>')).toBe("inline\n\nx");
  });
});

describe("htmlToMarkdown: plain text", () => {
  it("keeps blocks and list markers and drops markup and escapes", () => {
    expect(text("<h2>T</h2><p>a <b>b</b> <a href=/x>c</a> &amp;nbsp;</p><ul><li>x<li>y</ul>")).toBe(
      "T\n\na b c &nbsp;\n\n- x\n- y",
    );
    expect(text("<table><tr><th>k<th>v<tr><td>a<td>1</table><pre><code>x *y*</code></pre>")).toBe(
      "k | v\na | 1\n\nx *y*",
    );
  });
});
