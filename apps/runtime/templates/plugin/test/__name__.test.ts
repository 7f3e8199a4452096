/** @module The {{name}} plugin loaded into a real mcp-runtime (build it first: npm run build). */
import { fileURLToPath } from "node:url";
import { startLocalRuntime } from "@mcp-runtime/runtime/testing";
import { describe, expect, it } from "vitest";

// The package folder: the runtime loads the built entry (package.json "exports") from it.
const packageDir = fileURLToPath(new URL("..", import.meta.url));

describe("{{name}} plugin", () => {
  it("answers {{tool}} through the runtime", async () => {
    await using runtime = await startLocalRuntime({ config: { plugins: [{ path: packageDir }] } });
    const result = await runtime.callTool("{{tool}}", { name: "Ada" });
    expect(result.isError ?? false).toBe(false);
    expect(result.content).toEqual([{ type: "text", text: "Hello, Ada!" }]);
  });

  it("refuses input without a name", async () => {
    await using runtime = await startLocalRuntime({ config: { plugins: [{ path: packageDir }] } });
    const result = await runtime.callTool("{{tool}}", {});
    expect(result.isError).toBe(true);
  });
});
