/**
 * @module Shared parts of the auth acceptance suites: a recording plugin written to a temporary
 * directory (every call of `record` appends the caller's subject to a file, so a test proves that
 * a refused call ran nothing), a free port chosen up front (the audience must name the real URL),
 * and the real OpenID provider of packages/auth's tests.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "./support/paths.js";

export {
  newSigningKey,
  PUBLIC_CLIENT,
  SERVICE_CLIENT,
  startTestProvider,
  type TestProvider,
} from "../../../packages/auth/test/support/provider.js";

export interface RecordingPlugin {
  readonly dir: string;
  /** subjects of the `record` calls that ran, in order */
  calls(): Promise<string[]>;
  remove(): Promise<void>;
}

export async function createRecordingPlugin(): Promise<RecordingPlugin> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-runtime-auth-"));
  const log = join(dir, "calls.log");
  await writeFile(log, "");
  const sdk = pathToFileURL(join(REPO_ROOT, "packages", "plugin-sdk", "dist", "index.js")).href;
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({
      name: "auth-recording-plugin",
      private: true,
      type: "module",
      main: "./index.js",
      "mcp-runtime": { permissions: { fs: { read: [] }, net: [], env: [] } },
    }),
  );
  await writeFile(
    join(dir, "index.js"),
    `import { appendFileSync } from "node:fs";
import { definePlugin } from ${JSON.stringify(sdk)};
export default definePlugin({
  name: "auth-recording",
  version: "0.0.0",
  tools: {
    echo: { description: "Echo", input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] }, handler: async ({ text }) => text },
    record: { description: "Records the call", input: { type: "object", properties: {} }, handler: async (_i, ctx) => { appendFileSync(${JSON.stringify(log)}, (ctx.subject ?? "-") + "\\n"); return "recorded"; } },
    whoami: { description: "The caller's subject", input: { type: "object", properties: {} }, handler: async (_i, ctx) => ctx.subject ?? "anonymous" },
  },
});
`,
  );
  return {
    dir,
    calls: async () => (await readFile(log, "utf8")).split("\n").filter((l) => l !== ""),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/** A POST of one JSON-RPC message to the MCP endpoint (2025-era stateless when no session is given). */
export async function rpc(
  url: string,
  body: object,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, ...body }),
  });
  const text = await res.text();
  const data = text.startsWith("event:") || text.startsWith("data:") ? /data: (.*)/.exec(text)?.[1] : text;
  return { status: res.status, headers: res.headers, json: data ? JSON.parse(data) : undefined };
}
