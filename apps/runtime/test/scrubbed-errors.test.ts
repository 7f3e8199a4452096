/**
 * Known defect 3 of issue 18: a message thrown by a plugin reached the client with internal file
 * paths in it. Errors thrown by plugins (sandbox worker threads and process mode) and by hosted
 * upstreams must reach the client with paths, stack frames and secrets scrubbed, in both protocol
 * eras, while the full text stays in the runtime's log with the tool's name. Runs the built CLI
 * over HTTP.
 */
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientSafeMessage } from "../src/executor/client-safe.js";
import { type HttpRuntime, startHttpRuntime } from "./support/http-runtime.js";
import { modernCall } from "./support/modern-call.js";
import { assertBuilt } from "./support/paths.js";

assertBuilt();

const LEAKY = fileURLToPath(new URL("./fixtures/leaky-errors", import.meta.url));
const UPSTREAM = fileURLToPath(new URL("./fixtures/leaky-errors/upstream.mjs", import.meta.url));

/** Anything a client must never see: paths, file URLs, stack frames, the fixtures' secrets. */
const LEAKS = [
  /\/home\/alice/,
  /\/work\/app/,
  /node_modules/,
  /\/var\/lib\/upstream/,
  /\/opt\/upstream/,
  /\/srv\/plugins/,
  /C:\\Users/,
  /file:\/\//,
  /\n\s*at /,
  /\.js:\d+/,
  /eyJhbGciOiJIUzI1NiJ9/,
  /abc\.def\.ghi/,
  /hunter2/,
  /sk-live-/,
];

function expectClean(text: string): void {
  for (const leak of LEAKS) expect(text, `client saw ${leak}`).not.toMatch(leak);
}

type Content = { type: string; text?: string }[];
const textOf = (content: unknown): string => (content as Content).map((c) => c.text ?? "").join("");

describe.each(["worker", "process"] as const)(
  "errors thrown in sandbox %s mode and by a stdio upstream",
  (mode) => {
    let runtime: HttpRuntime;
    let legacy: Client;

    beforeAll(async () => {
      runtime = await startHttpRuntime({
        server: { name: `scrubbed-errors-${mode}` },
        plugins: [{ path: LEAKY, sandbox: { mode } }],
        upstreams: [{ id: "leaky", command: process.execPath, args: [UPSTREAM] }],
      });
      legacy = new Client({ name: "scrubbed-errors", version: "0.0.0" });
      await legacy.connect(new StreamableHTTPClientTransport(new URL(runtime.url)));
    });

    afterAll(async () => {
      await legacy?.close();
      await runtime?.stop();
    });

    async function legacyText(name: string): Promise<string> {
      const result = await legacy.callTool({ name, arguments: {} });
      expect(result.isError).toBe(true);
      return textOf(result.content);
    }

    async function modernText(name: string): Promise<string> {
      const result = await modernCall(
        runtime.url,
        "tools/call",
        { name, arguments: {} },
        { name, tasks: false },
      );
      expect(result.isError).toBe(true);
      return textOf(result.content);
    }

    it("a plugin error naming files reaches both eras without the paths, keeping the reason", async () => {
      for (const text of [await legacyText("leak_path"), await modernText("leak_path")]) {
        expectClean(text);
        expect(text).toContain("cannot open");
        expect(text).toContain("ENOENT");
      }
    });

    it("a plugin error carrying a bearer token, a password and an API key reaches both eras redacted", async () => {
      for (const text of [await legacyText("leak_token"), await modernText("leak_token")]) {
        expectClean(text);
        expect(text).toContain("Bearer [redacted]");
      }
    });

    it("a plugin error with Windows paths, a file URL and stack frames reaches both eras as one clean line", async () => {
      for (const text of [await legacyText("leak_stack"), await modernText("leak_stack")]) {
        expectClean(text);
        expect(text).toContain("wrapped: boom in");
      }
    });

    it("an upstream's JSON-RPC error and isError result reach both eras scrubbed", async () => {
      const legacyError = await legacy.callTool({ name: "leaky.fail", arguments: {} }).then(
        (result) => JSON.stringify(result),
        (cause: unknown) => String(cause),
      );
      expectClean(legacyError);
      expect(legacyError).toContain("EACCES");
      const modernError = await modernCall(
        runtime.url,
        "tools/call",
        { name: "leaky.fail", arguments: {} },
        { name: "leaky.fail", tasks: false },
      ).then(
        (result) => JSON.stringify(result),
        (cause: unknown) => String(cause),
      );
      expectClean(modernError);
      expect(modernError).toContain("EACCES");
      for (const text of [await legacyText("leaky.soft_fail"), await modernText("leaky.soft_fail")]) {
        expectClean(text);
        expect(text).toContain("EACCES");
      }
    });

    it("keeps the full plugin error text in the runtime's log with the tool's name, secrets still redacted", async () => {
      await legacyText("leak_path");
      await new Promise((resolve) => setTimeout(resolve, 200));
      const lines = runtime
        .stderr()
        .split("\n")
        .filter((line) => line.includes("/home/alice/secret/db.sqlite"));
      expect(lines.length).toBeGreaterThan(0);
      const record = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
      expect(record.tool).toBe("leak_path");
      expect(String(record.error)).toContain("/work/app/node_modules/x/index.js:12:5");
      expect(runtime.stderr()).not.toMatch(/hunter2|eyJhbGciOiJIUzI1NiJ9|sk-live-/);
    });
  },
);

describe("clientSafeMessage", () => {
  it.each([
    ["/home/alice/secret/db.sqlite: ENOENT", "[path]: ENOENT"],
    ["at /work/app/node_modules/x/index.js:12:5", "at [path]"],
    ["see lib/node_modules/pkg/a.js", "see [path]"],
    ["open C:\\Users\\bob\\a.txt failed", "open [path] failed"],
    ["share \\\\server\\share\\x", "share [path]"],
    ["from file:///srv/p/index.js", "from [path]"],
    ["home ~/notes/todo.md", "home [path]"],
    ["Error: x\n    at f (file:///a.js:1:2)\n    at node:internal/y:3:4", "Error: x"],
    ["Authorization: Bearer abc.def", "Authorization: Bearer [redacted]"],
    [
      "db=postgres://bob:pw@db/x password=hunter2&x",
      "db=postgres://bob:[redacted]@db/x password=[redacted]&x",
    ],
  ])("scrubs %j", (input, expected) => {
    expect(clientSafeMessage(input)).toBe(expected);
  });

  it.each([
    "fetch https://api.example.test/v1/items failed: 503",
    "unknown method tools/call_x",
    "resource /data not found",
    "expected 3 items, got 4",
  ])("leaves %j alone (URLs, method names, one-segment routes)", (input) => {
    expect(clientSafeMessage(input)).toBe(input);
  });
});
