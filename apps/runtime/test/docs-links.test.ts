/**
 * @module Every relative link in README.md and docs/*.md points to a file that exists, and every
 * `#anchor` into a Markdown file names one of its headings (as GitHub spells heading anchors).
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/paths.js";

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  // Fenced blocks hold no headings; inline code in a heading keeps its text in the anchor.
  for (const line of markdown.replace(/^```[\s\S]*?^```/gm, "").split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replaceAll(" ", "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Fenced blocks and inline code hold examples, not links or headings. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

function linksOf(markdown: string): string[] {
  const text = withoutCode(markdown);
  const inline = [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] as string);
  const references = [...text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1] as string);
  return [...inline, ...references];
}

async function pages(): Promise<string[]> {
  const docs = join(REPO_ROOT, "docs");
  const names = (await readdir(docs)).filter((name) => name.endsWith(".md"));
  return [join(REPO_ROOT, "README.md"), ...names.map((name) => join(docs, name))];
}

describe("links in README.md and docs/", () => {
  it("finds the pages the docs index promises", async () => {
    const found = (await pages()).map((file) => relative(REPO_ROOT, file));
    for (const page of [
      "docs/README.md",
      "docs/quickstart.md",
      "docs/plugin-authoring.md",
      "docs/configuration.md",
      "docs/deployment.md",
      "docs/operations.md",
      "docs/architecture.md",
      "docs/security.md",
      "docs/clients.md",
      "docs/troubleshooting.md",
    ])
      expect(found).toContain(page);
  });

  it("every relative link points to an existing file, and every anchor to a heading", async () => {
    const broken: string[] = [];
    for (const file of await pages()) {
      const markdown = await readFile(file, "utf8");
      for (const link of linksOf(markdown)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto: ...
        const [path = "", anchor] = link.split("#");
        const target = path === "" ? file : join(dirname(file), decodeURIComponent(path));
        const where = `${relative(REPO_ROOT, file)}: ${link}`;
        if (!existsSync(target)) {
          broken.push(`${where} (no such file)`);
          continue;
        }
        if (anchor && target.endsWith(".md") && !anchorsOf(await readFile(target, "utf8")).has(anchor))
          broken.push(`${where} (no heading with that anchor)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
