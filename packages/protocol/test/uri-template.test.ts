import { describe, expect, it } from "vitest";
import { UriTemplate, type UriVariables } from "../src/index.js";

// The variables of RFC 6570 section 3.2 (associative arrays omitted: UriVariables has none).
const rfc: UriVariables = {
  var: "value",
  hello: "Hello World!",
  half: "50%",
  empty: "",
  path: "/foo/bar",
  list: ["red", "green", "blue"],
  x: "1024",
  y: "768",
  who: "fred",
  base: "http://example.com/home/",
  v: "6",
  dub: "me/too",
  empty_list: [],
};

function expand(template: string, variables: UriVariables = rfc): string {
  return new UriTemplate(template).expand(variables);
}

describe("UriTemplate.expand (RFC 6570 examples)", () => {
  it.each([
    ["{var}", "value"],
    ["{hello}", "Hello%20World%21"],
    ["{half}", "50%25"],
    ["O{empty}X", "OX"],
    ["O{undef}X", "OX"],
  ])("level 1: %s -> %s", (template, expected) => {
    expect(expand(template)).toBe(expected);
  });

  it.each([
    ["{+var}", "value"],
    ["{+hello}", "Hello%20World!"],
    ["{+half}", "50%25"],
    ["{base}index", "http%3A%2F%2Fexample.com%2Fhome%2Findex"],
    ["{+base}index", "http://example.com/home/index"],
    ["{+path}/here", "/foo/bar/here"],
    ["here?ref={+path}", "here?ref=/foo/bar"],
    ["X{#var}", "X#value"],
    ["X{#hello}", "X#Hello%20World!"],
  ])("level 2: %s -> %s", (template, expected) => {
    expect(expand(template)).toBe(expected);
  });

  it.each([
    ["map?{x,y}", "map?1024,768"],
    ["{x,hello,y}", "1024,Hello%20World%21,768"],
    ["{+x,hello,y}", "1024,Hello%20World!,768"],
    ["{+path,x}/here", "/foo/bar,1024/here"],
    ["{#x,hello,y}", "#1024,Hello%20World!,768"],
    ["{#path,x}/here", "#/foo/bar,1024/here"],
    ["X{.var}", "X.value"],
    ["X{.x,y}", "X.1024.768"],
    ["{/var}", "/value"],
    ["{/var,x}/here", "/value/1024/here"],
    ["{;x,y}", ";x=1024;y=768"],
    ["{;x,y,empty}", ";x=1024;y=768;empty"],
    ["{?x,y}", "?x=1024&y=768"],
    ["{?x,y,empty}", "?x=1024&y=768&empty="],
    ["?fixed=yes{&x}", "?fixed=yes&x=1024"],
    ["{&x,y,empty}", "&x=1024&y=768&empty="],
  ])("level 3: %s -> %s", (template, expected) => {
    expect(expand(template)).toBe(expected);
  });

  it.each([
    ["{var:3}", "val"],
    ["{var:30}", "value"],
    ["{list}", "red,green,blue"],
    ["{list*}", "red,green,blue"],
    ["{+path:6}/here", "/foo/b/here"],
    ["{#path:6}/here", "#/foo/b/here"],
    ["X{.list}", "X.red,green,blue"],
    ["X{.list*}", "X.red.green.blue"],
    ["{/var:1,var}", "/v/value"],
    ["{/list}", "/red,green,blue"],
    ["{/list*}", "/red/green/blue"],
    ["{/list*,path:4}", "/red/green/blue/%2Ffoo"],
    ["{;hello:5}", ";hello=Hello"],
    ["{;list}", ";list=red,green,blue"],
    ["{;list*}", ";list=red;list=green;list=blue"],
    ["{?var:3}", "?var=val"],
    ["{?list}", "?list=red,green,blue"],
    ["{?list*}", "?list=red&list=green&list=blue"],
    ["{&var:3}", "&var=val"],
    ["{&list*}", "&list=red&list=green&list=blue"],
    ["{?empty_list}", ""],
  ])("level 4: %s -> %s", (template, expected) => {
    expect(expand(template)).toBe(expected);
  });

  it("refuses malformed templates with a TypeError", () => {
    expect(() => new UriTemplate("test://{id")).toThrow(TypeError);
    expect(() => new UriTemplate("test://{a b}")).toThrow(TypeError);
    expect(UriTemplate.isTemplate("test://template/{id}/data")).toBe(true);
    expect(UriTemplate.isTemplate("test://static/readme")).toBe(false);
  });
});

describe("UriTemplate.match", () => {
  it("extracts a simple variable between literals", () => {
    const template = new UriTemplate("test://template/{id}/data");
    expect(template.variableNames).toEqual(["id"]);
    expect(template.match("test://template/42/data")).toEqual({ id: "42" });
    expect(template.match("test://template//data")).toEqual({ id: "" });
  });

  it("returns undefined for URIs the template cannot produce", () => {
    const template = new UriTemplate("test://template/{id}/data");
    expect(template.match("test://template/42/other")).toBeUndefined();
    expect(template.match("test://template/a/b/data")).toBeUndefined();
    expect(template.match("test://template/42/data/extra")).toBeUndefined();
    expect(template.match("other://template/42/data")).toBeUndefined();
    expect(new UriTemplate("file://{+path}").match("http://x/y")).toBeUndefined();
  });

  it("percent-decodes matched values and keeps malformed escapes as they are", () => {
    const template = new UriTemplate("test://template/{id}/data");
    expect(template.match("test://template/hello%20world%21/data")).toEqual({ id: "hello world!" });
    expect(template.match("test://template/100%zz/data")).toEqual({ id: "100%zz" });
  });

  it("matches reserved expansion across slashes", () => {
    const template = new UriTemplate("file://{+path}");
    expect(template.match("file:///etc/hosts")).toEqual({ path: "/etc/hosts" });
    expect(template.match("file:///tmp/a%20b.txt")).toEqual({ path: "/tmp/a b.txt" });
  });

  it("splits exploded path segments into a list", () => {
    const template = new UriTemplate("repo://files{/segments*}");
    expect(template.match("repo://files/src/lib/index.ts")).toEqual({ segments: ["src", "lib", "index.ts"] });
    expect(template.match("repo://files/one")).toEqual({ segments: ["one"] });
    expect(template.match("repo://files")).toEqual({});
  });

  it("reads query parameters in any order and ignores unknown ones", () => {
    const template = new UriTemplate("search://docs{?q,lang}");
    expect(template.match("search://docs?q=mcp&lang=en")).toEqual({ q: "mcp", lang: "en" });
    expect(template.match("search://docs?lang=fr&q=hello%20world")).toEqual({ q: "hello world", lang: "fr" });
    expect(template.match("search://docs?q=only&other=1")).toEqual({ q: "only" });
    expect(template.match("search://docs")).toEqual({});
    expect(template.match("search://elsewhere?q=x")).toBeUndefined();
  });

  it("round-trips its own expansions", () => {
    const cases: [string, UriVariables][] = [
      ["test://template/{id}/data", { id: "a b/c" }],
      ["file://{+path}", { path: "/var/log/x.log" }],
      ["repo://files{/segments*}", { segments: ["a", "b c"] }],
      ["search://docs{?q,lang}", { q: "what?&", lang: "de" }],
      ["x://{a,b}", { a: "1", b: "2" }],
    ];
    for (const [source, variables] of cases) {
      const template = new UriTemplate(source);
      expect(template.match(template.expand(variables))).toEqual(variables);
    }
  });
});
