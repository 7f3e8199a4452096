import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as fetchEntry from "../src/fetch.js";
import * as entry from "../src/index.js";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "../src");

/** Module specifiers a source file loads at run time (`import type` and `export type` are erased). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(join(SRC, file), "utf8");
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)) {
    if (match[1] === undefined && match[2] !== undefined) found.push(match[2]);
  }
  return found;
}

/** Every module specifier reachable at run time from `entryFile`, following relative imports. */
function reachable(entryFile: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith("./")) visit(specifier.slice(2).replace(/\.js$/, ".ts"));
      else external.add(specifier);
    }
  };
  visit(entryFile);
  return { files, external };
}

describe("public entry", () => {
  it("exports exactly the documented runtime values", () => {
    expect(Object.keys(entry).sort()).toEqual([
      "MemoryEventStore",
      "MemorySessionStore",
      "createMcpHttpApp",
      "decodeHeaderValue",
      "startHttpServer",
    ]);
  });

  it("decodes the base64 sentinel and leaves plain values alone", () => {
    expect(entry.decodeHeaderValue("=?base64?SGVsbG8sIOS4lueVjA==?=")).toBe("Hello, 世界");
    expect(entry.decodeHeaderValue("plain")).toBe("plain");
    expect(entry.decodeHeaderValue("=?base64?abc?=")).toBeUndefined();
  });
});

describe("fetch entry (@mcp-runtime/transport-http/fetch)", () => {
  it("exports exactly createFetchHandler and is mapped in package.json", () => {
    expect(Object.keys(fetchEntry).sort()).toEqual(["createFetchHandler"]);
    const pkg = JSON.parse(readFileSync(join(SRC, "../package.json"), "utf8")) as {
      exports: Record<string, unknown>;
    };
    expect(pkg.exports["./fetch"]).toEqual({ types: "./dist/fetch.d.ts", default: "./dist/fetch.js" });
  });

  it("loads nothing but the protocol package at run time: no express, no node built-ins", () => {
    const { files, external } = reachable("fetch.ts");
    expect([...external]).toEqual(["@mcp-runtime/protocol"]);
    expect(files.has("fetch-handler.ts")).toBe(true);
    // The walk sees through to the express side when it is reachable: app.ts loads express lazily
    // through node:module's createRequire, which the fetch side therefore cannot reach either.
    const express = reachable("index.ts").external;
    expect(express.has("node:module")).toBe(true);
    expect(express.has("node:zlib")).toBe(true);
  });
});
