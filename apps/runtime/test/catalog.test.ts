/**
 * `mcp-runtime catalog export|import|diff`: the catalog builder, checksums, verification and drift
 * rule as units, then the commands end to end on real plain-JS plugins (sandbox workers) copied
 * into a temporary folder and edited there.
 */
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildCatalog, type CatalogInputs } from "../src/catalog/build.js";
import { canonicalJson } from "../src/catalog/canonical.js";
import { diffCatalogs } from "../src/catalog/diff.js";
import type { CatalogDocument, CatalogSource } from "../src/catalog/document.js";
import { verifyCatalog } from "../src/catalog/verify.js";
import { catalogDiff, catalogExport, catalogImport } from "../src/commands/catalog.js";
import { RUNTIME_VERSION } from "../src/version.js";
import { captureIo, runCli } from "./support/cli-io.js";
import { assertBuilt, REPO_ROOT, RUNTIME_DIR } from "./support/paths.js";

const FIXTURE = join(RUNTIME_DIR, "test", "fixtures", "catalog-greeter");
const GREETER = "@fixtures/catalog-greeter";

const plugin = (version: string): CatalogSource => ({ kind: "plugin", id: "p", package: "pkg", version });

function inputs(version: string, nameSchema: Record<string, unknown> = { type: "string" }): CatalogInputs {
  return {
    tools: [
      {
        descriptor: {
          name: "zeta",
          inputSchema: { type: "object", properties: { name: nameSchema } },
          _meta: { ignored: true },
        },
        source: plugin(version),
      },
      {
        descriptor: { name: "alpha", description: "A", inputSchema: { type: "object" } },
        source: plugin(version),
      },
    ],
    resources: [{ descriptor: { uri: "x://r", name: "r", mimeType: "text/plain" }, source: plugin(version) }],
    resourceTemplates: [{ descriptor: { uriTemplate: "x://t/{id}", name: "t" }, source: plugin(version) }],
    prompts: [
      { descriptor: { name: "p", arguments: [{ name: "a", required: true }] }, source: plugin(version) },
    ],
  };
}

describe("catalog builder (pure)", () => {
  it("canonical JSON sorts keys at every depth, drops undefined and ends with a newline", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe(
      '{\n  "a": {\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });

  it("sorts entries, keeps only contract fields and checksums each entry and the document", () => {
    const doc = buildCatalog(inputs("1.0.0"));
    expect(doc.tools.map((t) => t.name)).toEqual(["alpha", "zeta"]);
    expect(doc.tools[1]).not.toHaveProperty("_meta");
    expect(doc.resources.map((r) => r.uri ?? r.uriTemplate)).toEqual(["x://r", "x://t/{id}"]);
    for (const entry of [...doc.tools, ...doc.resources, ...doc.prompts])
      expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalJson(buildCatalog(inputs("1.0.0")))).toBe(canonicalJson(doc));
  });

  it("a version bump alone changes no entry checksum; a schema change changes that entry's only", () => {
    const base = buildCatalog(inputs("1.0.0"));
    const bumped = buildCatalog(inputs("1.1.0"));
    expect(bumped.tools.map((t) => t.sha256)).toEqual(base.tools.map((t) => t.sha256));
    expect(bumped.sha256).toBe(base.sha256);
    const edited = buildCatalog(inputs("1.0.0", { type: "string", maxLength: 5 }));
    expect(edited.tools[0]?.sha256).toBe(base.tools[0]?.sha256);
    expect(edited.tools[1]?.sha256).not.toBe(base.tools[1]?.sha256);
    expect(edited.sha256).not.toBe(base.sha256);
  });

  it("verify names an edited entry and a tampered document checksum", () => {
    const doc = JSON.parse(canonicalJson(buildCatalog(inputs("1.0.0")))) as CatalogDocument;
    expect(verifyCatalog(doc).ok).toBe(true);
    const edited = structuredClone(doc);
    (edited.tools[1] as { description?: string }).description = "sneaky";
    expect(verifyCatalog(edited)).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^tools\/zeta: checksum mismatch .*edited or corrupted$/)],
    });
    const reordered = { ...doc, tools: [...doc.tools].reverse() };
    expect(verifyCatalog(reordered)).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^sha256: /)],
    });
    expect(verifyCatalog({ tools: [] })).toMatchObject({ ok: false });
  });

  it("drift: changed or removed under the same version; not when bumped, added, or the version is unknown", () => {
    const base = buildCatalog(inputs("1.0.0"));
    const edited = buildCatalog(inputs("1.0.0", { type: "number" }));
    const drift = diffCatalogs(base, edited);
    expect(drift.changed).toMatchObject([{ key: "tools/zeta", fields: ["inputSchema"], drift: true }]);
    expect(drift.drift).toEqual([
      `tools/zeta: schema changed (sha256 ${base.tools[1]?.sha256.slice(0, 8)}… → ${edited.tools[1]?.sha256.slice(0, 8)}…) but pkg is still 1.0.0: bump its version`,
    ]);
    expect(diffCatalogs(base, buildCatalog(inputs("1.0.1", { type: "number" }))).drift).toEqual([]);
    const fewer = inputs("1.0.0");
    fewer.prompts = [];
    expect(diffCatalogs(base, buildCatalog(fewer)).drift).toEqual([
      "prompts/p: removed but pkg is still 1.0.0: bump its version",
    ]);
    const added = diffCatalogs(buildCatalog(fewer), base);
    expect(added).toMatchObject({ added: [{ key: "prompts/p" }], drift: [] });
    const upstream = (schema: Record<string, unknown>): CatalogInputs => ({
      tools: [{ descriptor: { name: "u.t", inputSchema: schema }, source: { kind: "upstream", id: "u" } }],
      resources: [],
      resourceTemplates: [],
      prompts: [],
    });
    const unversioned = diffCatalogs(
      buildCatalog(upstream({ type: "object" })),
      buildCatalog(upstream({ type: "object", required: ["a"] })),
    );
    expect(unversioned).toMatchObject({ changed: [{ key: "tools/u.t", drift: false }], drift: [] });
  });
});

describe("mcp-runtime catalog (real plugins in a temporary folder)", () => {
  let dir: string;
  let config: string;
  let pluginDir: string;
  let revision = 0;

  async function writeConfig(): Promise<void> {
    await writeFile(
      config,
      `plugins:\n  - path: ${pluginDir}\n  - package: "@mcp-runtime/plugin-echo"\ntelemetry:\n  logLevel: warn\n`,
    );
  }

  // The fixture is plain ESM importing @mcp-runtime/plugin-sdk: each copy resolves it through a
  // node_modules link to the workspace's.
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "mcp-catalog-"));
    pluginDir = join(dir, "plugins", "greeter");
    await cp(FIXTURE, pluginDir, { recursive: true });
    await symlink(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    config = join(dir, "mcp-runtime.yaml");
    await writeConfig();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function exported(): Promise<{ text: string; doc: CatalogDocument }> {
    const io = captureIo();
    expect(await catalogExport({ config }, io)).toBe(0);
    return { text: io.out, doc: JSON.parse(io.out) as CatalogDocument };
  }

  /**
   * Edits the plugin as a new copy the config then points at: this process caches the module of a
   * path it imported once, where each CLI run is a fresh process that would read the edit in place.
   */
  async function editPlugin(from: string, to: string): Promise<void> {
    const next = join(dir, "plugins", `greeter-${++revision}`);
    await cp(pluginDir, next, { recursive: true });
    pluginDir = next;
    const file = join(pluginDir, "index.js");
    const source = await readFile(file, "utf8");
    expect(source).toContain(from);
    await writeFile(file, source.replace(from, to));
    await writeConfig();
  }

  async function bumpVersion(version: string): Promise<void> {
    const file = join(pluginDir, "package.json");
    const pkg = JSON.parse(await readFile(file, "utf8")) as { version: string };
    await writeFile(file, JSON.stringify({ ...pkg, version }));
  }

  it("export is byte-identical run after run, with each entry's source and checksums", async () => {
    const first = await exported();
    const second = await exported();
    expect(second.text).toBe(first.text);
    expect(first.text.endsWith("}\n")).toBe(true);
    const { doc } = first;
    expect(Object.keys(doc)).toEqual(["catalog", "prompts", "resources", "sha256", "tools"]);
    expect(doc.tools.map((t) => t.name)).toEqual(["echo", "greet", "shout"]);
    expect(doc.tools.find((t) => t.name === "greet")).toMatchObject({
      description: "Greets someone by name",
      annotations: { readOnlyHint: true },
      source: { kind: "plugin", id: "greeter", package: GREETER, version: "1.0.0" },
    });
    expect(doc.tools.find((t) => t.name === "shout")?.outputSchema).toMatchObject({ required: ["loud"] });
    expect(doc.tools.find((t) => t.name === "echo")?.source).toEqual({
      kind: "plugin",
      id: "echo",
      package: "@mcp-runtime/plugin-echo",
      version: "0.1.0",
    });
    expect(doc.resources.map((r) => r.uri ?? r.uriTemplate)).toContain("greeter://motto");
    expect(doc.prompts.map((p) => p.name)).toEqual(["echo", "welcome"]);
    expect(verifyCatalog(doc).ok).toBe(true);
  });

  it("upstream entries carry the upstream's serverInfo version; the runtime's own template its version", async () => {
    const server = join(RUNTIME_DIR, "test", "fixtures", "faulty-upstream", "server.mjs");
    await writeFile(
      config,
      `upstreams:\n  - id: faulty\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(server)}]\n`,
    );
    const { doc } = await exported();
    expect(doc.tools.find((t) => t.name === "faulty.ok")).toMatchObject({
      inputSchema: { type: "object", properties: {} },
      source: { kind: "upstream", id: "faulty", version: "0.0.0" },
    });
    expect(doc.resources.find((r) => r.name === "large-tool-results")?.source).toEqual({
      kind: "runtime",
      id: "mcp-runtime",
      version: RUNTIME_VERSION,
    });
  });

  it("a schema edit without a version bump changes that checksum and diff exits 1 naming tool and plugin", async () => {
    const old = join(dir, "old.json");
    expect(await catalogExport({ config, out: old }, captureIo())).toBe(0);
    const before = JSON.parse(await readFile(old, "utf8")) as CatalogDocument;
    await editPlugin(
      'properties: { name: { type: "string" } }',
      'properties: { name: { type: "string", maxLength: 40 } }',
    );
    const after = (await exported()).doc;
    const sha = (doc: CatalogDocument, name: string) => doc.tools.find((t) => t.name === name)?.sha256;
    expect(sha(after, "greet")).not.toBe(sha(before, "greet"));
    expect(sha(after, "shout")).toBe(sha(before, "shout"));

    const io = captureIo();
    expect(await catalogDiff(old, undefined, { config }, io)).toBe(1);
    expect(io.out).toContain(
      `tools/greet: schema changed (sha256 ${sha(before, "greet")?.slice(0, 8)}… → ${sha(after, "greet")?.slice(0, 8)}…) but ${GREETER} is still 1.0.0: bump its version`,
    );
    expect(io.err).toContain("0 added, 0 removed, 1 changed, 1 drift");

    await bumpVersion("1.0.1");
    const bumped = captureIo();
    expect(await catalogDiff(old, undefined, { config }, bumped)).toBe(0);
    expect(bumped.out).toContain(`changed  tools/greet: schema`);
    expect(bumped.out).toContain(`${GREETER} 1.0.0 → 1.0.1`);
    expect(bumped.out).not.toContain("bump its version");
  });

  it("an added tool is reported and is not drift; --json gives the shape", async () => {
    const old = join(dir, "old.json");
    expect(await catalogExport({ config, out: old }, captureIo())).toBe(0);
    await editPlugin(
      "  tools: {\n",
      '  tools: {\n    wave: { description: "Waves", input: { type: "object" }, handler: () => "o/" },\n',
    );
    const io = captureIo();
    expect(await catalogDiff(old, undefined, { config }, io)).toBe(0);
    expect(io.out).toContain(`added    tools/wave (${GREETER} 1.0.0)`);
    const json = captureIo();
    expect(await catalogDiff(old, undefined, { config, json: true }, json)).toBe(0);
    expect(JSON.parse(json.out)).toEqual({
      ok: true,
      before: old,
      after: "live",
      added: [
        {
          key: "tools/wave",
          section: "tools",
          source: { kind: "plugin", id: "greeter", package: GREETER, version: "1.0.0" },
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      ],
      removed: [],
      changed: [],
      drift: [],
    });
  });

  it("diff of two files needs no runtime; a removed tool under the same version is drift (--json)", async () => {
    const old = join(dir, "old.json");
    const now = join(dir, "new.json");
    expect(await catalogExport({ config, out: old }, captureIo())).toBe(0);
    const doc = JSON.parse(await readFile(old, "utf8")) as CatalogDocument;
    const fewer = buildCatalog({
      tools: doc.tools
        .filter((t) => t.name !== "shout")
        .map(({ sha256: _s, source, ...descriptor }) => ({ descriptor, source })),
      resources: [],
      resourceTemplates: [],
      prompts: [],
    });
    await writeFile(now, canonicalJson(fewer));
    const io = captureIo();
    expect(await catalogDiff(old, now, { json: true }, io)).toBe(1);
    const result = JSON.parse(io.out) as {
      ok: boolean;
      removed: { key: string; drift: boolean }[];
      drift: string[];
    };
    expect(result.ok).toBe(false);
    expect(result.removed).toContainEqual(expect.objectContaining({ key: "tools/shout", drift: true }));
    expect(result.drift).toContain(`tools/shout: removed but ${GREETER} is still 1.0.0: bump its version`);
  });

  it("the built CLI: export twice is byte-identical; an in-place schema edit is drift (exit 1)", async () => {
    assertBuilt();
    const first = await runCli(["catalog", "export", "--config", config]);
    const second = await runCli(["catalog", "export", "--config", config]);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const old = join(dir, "old.json");
    await writeFile(old, first.stdout);
    // In place: each CLI run is a fresh process that imports the plugin anew.
    const file = join(pluginDir, "index.js");
    const source = await readFile(file, "utf8");
    await writeFile(
      file,
      source.replace('text: { type: "string" }', 'text: { type: "string", minLength: 1 }'),
    );
    const drift = await runCli(["catalog", "diff", old, "--config", config]);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(
      new RegExp(
        `^tools/shout: schema changed \\(sha256 [0-9a-f]{8}… → [0-9a-f]{8}…\\) but ${GREETER} is still 1\\.0\\.0: bump its version$`,
        "m",
      ),
    );
    expect(await runCli(["catalog", "import", old, "--config", config])).toMatchObject({ code: 0 });
    expect(await runCli(["catalog", "diff", "--config", config])).toMatchObject({ code: 1 });
  });

  it("import refuses a file with an edited entry, naming it, and writes nothing", async () => {
    const backup = join(dir, "backup.json");
    expect(await catalogExport({ config, out: backup }, captureIo())).toBe(0);
    const text = await readFile(backup, "utf8");
    await writeFile(backup, text.replace('"Greets someone by name"', '"Greets anyone"'));
    const io = captureIo();
    expect(await catalogImport(backup, { config }, io)).toBe(1);
    expect(io.err).toMatch(/tools\/greet: checksum mismatch .* edited or corrupted/);
    const noBaseline = captureIo();
    expect(await catalogDiff(undefined, undefined, { config }, noBaseline)).toBe(2);
    expect(noBaseline.err).toContain("mcp-runtime.catalog.json: no such file");
    expect(noBaseline.err).toContain("no catalog baseline yet");
  });

  it("import of a good file writes the baseline beside the config, which diff then uses", async () => {
    const backup = join(dir, "backup.json");
    expect(await catalogExport({ config, out: backup }, captureIo())).toBe(0);
    const io = captureIo();
    expect(await catalogImport(backup, { config }, io)).toBe(0);
    expect(io.out).toBe("the live catalog matches it\n");
    const baseline = join(dir, "mcp-runtime.catalog.json");
    expect(await readFile(baseline, "utf8")).toBe(await readFile(backup, "utf8"));
    const same = captureIo();
    expect(await catalogDiff(undefined, undefined, { config }, same)).toBe(0);
    expect(same.out).toBe("no changes\n");

    await editPlugin('description: "Upper-cases the text"', 'description: "Upper-cases the given text"');
    const drifted = captureIo();
    expect(await catalogDiff(undefined, undefined, { config }, drifted)).toBe(1);
    expect(drifted.out).toContain(`tools/shout: description changed (sha256`);

    const json = captureIo();
    const elsewhere = join(dir, "baselines", "catalog.json");
    expect(await catalogImport(backup, { config, baseline: elsewhere, json: true }, json)).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({
      baseline: elsewhere,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      differences: { changed: [{ key: "tools/shout", fields: ["description"], drift: true }] },
    });
  });
});
