/** @module The search pattern dialect: globs on names or relative paths, else substrings. */
import { describe, expect, it } from "vitest";
import { compileNameMatcher } from "../src/glob.js";

describe("compileNameMatcher", () => {
  it.each([
    ["*.ts", "a.ts", true],
    ["*.ts", "a.tsx", false],
    ["*.ts", "dir/a.ts", false],
    ["?.md", "a.md", true],
    ["?.md", "ab.md", false],
    ["[ab].txt", "b.txt", true],
    ["[!ab].txt", "b.txt", false],
    ["*.{ts,js}", "x.js", true],
    ["src/**/*.ts", "src/a.ts", true],
    ["src/**/*.ts", "src/x/y/a.ts", true],
    ["a+b(1).txt", "a+b(1).txt", true],
    ["READ", "readme.md", true],
    ["[oops", "[oops", true],
  ])("%s against %s is %s", (pattern, candidate, expected) => {
    expect(compileNameMatcher(pattern).test(candidate)).toBe(expected);
  });

  it("matches against the relative path only when the pattern has a slash", () => {
    expect(compileNameMatcher("src/*.ts").matchesPath).toBe(true);
    expect(compileNameMatcher("*.ts").matchesPath).toBe(false);
  });
});
