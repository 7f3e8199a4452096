/**
 * @module Every package usable alone: packs each library package (packages/*, with the @mcp-runtime
 * packages they depend on, which no registry has), installs the tarballs into a fresh
 * project in the OS temp folder, type-checks each README's `<!-- example -->` against the packed
 * types and runs it with node. Builds nothing: `npm test` builds first.
 */
import { execFile } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

interface Example {
  /** workspace folder of the package whose README holds the example */
  dir: string;
  /** what the example prints when it works (its README comments say the same) */
  prints: RegExp[];
}

const EXAMPLES: Record<string, Example> = {
  "@mcp-runtime/protocol": {
    dir: "packages/protocol",
    prints: [
      /^\{"jsonrpc":"2\.0","id":1,"result":\{"content":\[\{"type":"text","text":"hi"\}\],"resultType":"complete"/m,
    ],
  },
  "@mcp-runtime/transport-http": {
    dir: "packages/transport-http",
    prints: [/^listening on http:\/\/127\.0\.0\.1:\d+\/mcp$/m, /^200 \{.*"text":"hello over HTTP"/m],
  },
  "@mcp-runtime/plugin-sdk": {
    dir: "packages/plugin-sdk",
    prints: [/^\{"content":\[\{"type":"text","text":"HI"\}\]\}$/m],
  },
  "@mcp-runtime/cache": {
    dir: "packages/cache",
    prints: [/^fresh: hello$/m, /^expired: undefined$/m, /^computed: 1 hits: false,true,true$/m],
  },
  "@mcp-runtime/transport-stdio": {
    dir: "packages/transport-stdio",
    prints: [
      /^\{"jsonrpc":"2\.0","id":1,"result":\{"content":\[\{"type":"text","text":"hello over stdio"\}\]/m,
    ],
  },
  "@mcp-runtime/transport-ws": {
    dir: "packages/transport-ws",
    prints: [/^listening on ws:\/\/127\.0\.0\.1:\d+\/mcp\/ws$/m, /"text":"hello over WebSocket"/],
  },
  "@mcp-runtime/auth": {
    dir: "packages/auth",
    prints: [
      /^accepted: \{"subject":"ci-bot","scopes":\["files:read"\]\}$/m,
      /^refused: 401 Bearer error="invalid_token"/m,
    ],
  },
  "@mcp-runtime/config": {
    dir: "packages/config",
    prints: [/^server: \{.*"host":"0\.0\.0\.0","port":9000/m, /^issue: flags\.port: /m],
  },
  "@mcp-runtime/queue": {
    dir: "packages/queue",
    prints: [/^result: \{"n":42\}$/m],
  },
  "@mcp-runtime/sandbox": {
    dir: "packages/sandbox",
    prints: [/"text":"echo from a worker: hi"/, /"ok":false/, /"breaker":"closed"/],
  },
  "@mcp-runtime/telemetry": {
    dir: "packages/telemetry",
    prints: [/^mcp_requests_total\{method="tools\/call",tool="echo",status="ok"\} 1$/m],
  },
};

interface Manifest {
  name: string;
  exports: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;
const manifestOf = (dir: string) => readJson<Manifest>(join(root, dir, "package.json"));
const dirOf = (name: string) => `packages/${name.slice("@mcp-runtime/".length)}`;

/** The packages under test and, transitively, the workspace packages they depend on. */
function packagesToPack(): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of Object.keys(manifestOf(EXAMPLES[name]?.dir ?? dirOf(name)).dependencies ?? {})) {
      if (dep.startsWith("@mcp-runtime/")) visit(dep);
    }
  };
  for (const name of Object.keys(EXAMPLES)) visit(name);
  return [...seen];
}

function extractExample(dir: string): string {
  const readme = readFileSync(join(root, dir, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/<!-- example -->\s*```(?:ts|typescript)\n([\s\S]*?)\n```/g)];
  if (blocks.length !== 1)
    throw new Error(`${dir}/README.md must hold exactly one \`<!-- example -->\` ts block`);
  return `${blocks[0]?.[1]}\n`;
}

interface Run {
  code: number | null;
  stdout: string;
  /** stdout then stderr, for failure messages and output checks */
  output: string;
}

// npm run passes its own npm_config_* down (workspace, prefix...): the fresh project must not see them.
// Nx and vitest set FORCE_COLOR, which would colour console.log's numbers in the examples' output.
const cleanEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("npm_") && key !== "FORCE_COLOR"),
  ),
  NO_COLOR: "1",
};

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      { cwd, env: cleanEnv, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        done({ code, stdout, output: `${stdout}${stderr}` });
      },
    );
  });
}

const scratch = mkdtempSync(join(tmpdir(), "mcp-runtime-pack-install-"));
const project = join(scratch, "project");

beforeAll(async () => {
  const names = packagesToPack();
  const unbuilt = names.filter((name) => {
    const dir = EXAMPLES[name]?.dir ?? dirOf(name);
    const targets = Object.values(manifestOf(dir).exports).flatMap((t) =>
      typeof t === "string" ? [t] : Object.values(t),
    );
    return targets.some((target) => !existsSync(join(root, dir, target)));
  });
  if (unbuilt.length > 0)
    throw new Error(`not built: ${unbuilt.join(", ")}; run \`npm run build\` at the repo root first`);

  const tarballs = join(scratch, "tarballs");
  mkdirSync(tarballs);
  const workspaces = names.flatMap((name) => ["--workspace", EXAMPLES[name]?.dir ?? dirOf(name)]);
  const packed = await run(
    "npm",
    ["pack", "--json", "--pack-destination", tarballs, ...workspaces],
    root,
    120_000,
  );
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`);
  const entries = JSON.parse(packed.stdout) as {
    name: string;
    filename: string;
  }[];

  // Example-only dependencies at the versions the workspace already uses (so the npm cache has them).
  const rootDev = readJson<Manifest>(join(root, "package.json")).devDependencies ?? {};
  const sdkDev = manifestOf("packages/plugin-sdk").devDependencies ?? {};
  const ws = manifestOf("packages/transport-ws");
  mkdirSync(join(project, "examples"), { recursive: true });
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({
      name: "pack-install-check",
      private: true,
      type: "module",
      dependencies: {
        ...Object.fromEntries(entries.map((entry) => [entry.name, `file:${join(tarballs, entry.filename)}`])),
        "@types/node": rootDev["@types/node"],
        zod: sdkDev.zod,
        ws: ws.dependencies?.ws,
        "@types/ws": ws.devDependencies?.["@types/ws"],
      },
    }),
  );
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2023",
        lib: ["ES2023"],
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        skipLibCheck: true,
        types: ["node"],
        rootDir: "examples",
        outDir: "out",
      },
      include: ["examples"],
    }),
  );
  const installed = await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund"],
    project,
    180_000,
  );
  if (installed.code !== 0) throw new Error(`npm install of the tarballs failed:\n${installed.output}`);

  for (const [name, { dir }] of Object.entries(EXAMPLES)) {
    writeFileSync(join(project, "examples", `${name.slice("@mcp-runtime/".length)}.ts`), extractExample(dir));
  }
  // TypeScript from the workspace: the project stays free of anything a consumer would not install.
  const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
  const compiled = await run(process.execPath, [tsc, "-p", "tsconfig.json"], project, 120_000);
  if (compiled.code !== 0)
    throw new Error(`README examples do not type-check against the packed types:\n${compiled.output}`);
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("packed packages installed outside the workspace", () => {
  it("has a README example for every library package under packages/", () => {
    const libraries = readdirSync(join(root, "packages")).map((dir) => manifestOf(`packages/${dir}`).name);
    expect(Object.keys(EXAMPLES).sort()).toEqual(libraries.sort());
  });

  it("installs every tarball as a real copy in a project outside the repository", () => {
    expect(relative(root, project).startsWith("..")).toBe(true);
    for (const name of packagesToPack()) {
      const installed = join(project, "node_modules", name);
      expect(lstatSync(installed).isSymbolicLink(), name).toBe(false);
      expect(existsSync(join(installed, "src")), `${name} ships src/`).toBe(false);
    }
  });

  for (const [name, { prints }] of Object.entries(EXAMPLES)) {
    it(`runs the README example of ${name} with exit 0 and its documented output`, async () => {
      const file = join("out", `${name.slice("@mcp-runtime/".length)}.js`);
      const ran = await run(process.execPath, [file], project, 30_000);
      expect(ran.code, ran.output).toBe(0);
      for (const pattern of prints) expect(ran.output).toMatch(pattern);
    });
  }
});
