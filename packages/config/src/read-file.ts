/** @module Reading a config file from disk and parsing it as YAML or JSON, with line/col on syntax errors. */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { extname } from "node:path";
import type * as Yaml from "yaml";
import { type ConfigFailure, failure } from "./errors.js";
import { findJsonSyntaxError } from "./json-syntax.js";

export type ReadResult = { ok: true; value: unknown } | ConfigFailure;

/**
 * Reads `file` (absolute) and parses it by extension. `label` is how issues name the file (the
 * path as the caller gave it). An empty YAML document is `{}`, i.e. all defaults. `given` is the
 * file's text when the caller already has it (a config pushed by the sidecar).
 */
export async function readConfigFile(file: string, label: string, given?: string): Promise<ReadResult> {
  const extension = extname(file).toLowerCase();
  const parse = PARSERS[extension];
  if (parse === undefined) {
    return failure("CONFIG_UNREADABLE", [
      { path: label, message: `unsupported file extension "${extension}"; use .yaml, .yml or .json` },
    ]);
  }
  let text: string;
  try {
    text = given ?? (await readFile(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return failure("CONFIG_NOT_FOUND", [{ path: label, message: "file not found" }]);
    return failure("CONFIG_UNREADABLE", [
      { path: label, message: `cannot read file (${code ?? "unknown error"})` },
    ]);
  }
  const parsed = parse(text);
  if (typeof parsed === "string") return failure("CONFIG_INVALID", [{ path: label, message: parsed }]);
  return { ok: true, value: parsed.value };
}

/** A parser returns the value, or a one-line syntax error message. */
type Parser = (text: string) => { value: unknown } | string;

const PARSERS: Readonly<Record<string, Parser>> = {
  ".yaml": parseYaml,
  ".yml": parseYaml,
  ".json": parseJson,
};

// The YAML library (CommonJS) is required when a YAML file is read, not at import: JSON configs
// and every command that reads no file start without it (a tenth of the time to ready).
let yaml: typeof Yaml | undefined;

function parseYaml(text: string): { value: unknown } | string {
  yaml ??= createRequire(import.meta.url)("yaml") as typeof Yaml;
  const { LineCounter, parseDocument } = yaml;
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: `on`/`yes` stay strings; duplicate keys are errors rather than last-wins.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error !== undefined) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    // The library's own wording here points at its API; say what the author must change instead.
    const reason =
      error.code === "MULTIPLE_DOCS" ? "a config file holds one YAML document" : firstLine(error.message);
    return `YAML syntax error at line ${line}, col ${col}: ${reason}`;
  }
  try {
    // The alias limit stops "billion laughs" documents from expanding without bound.
    return { value: doc.toJS({ maxAliasCount: 100 }) ?? {} };
  } catch (cause) {
    return `YAML error: ${firstLine(cause instanceof Error ? cause.message : String(cause))}`;
  }
}

function parseJson(text: string): { value: unknown } | string {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { value: JSON.parse(source) };
  } catch {
    // Our own scan, not V8's message: that one quotes the source (which may hold secrets).
    const error = findJsonSyntaxError(source) ?? { offset: 0, message: "invalid JSON" };
    const { line, col } = lineAndColumn(source, error.offset);
    return `JSON syntax error at line ${line}, col ${col}: ${error.message}`;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, col: offset - before.lastIndexOf("\n") };
}

function firstLine(message: string): string {
  return message.split("\n", 1)[0]?.trim() ?? message;
}
