/** `batch` on a tool: checked by definePlugin, surfaced as `manifest.batchableTools` for the runtime. */
import { describe, expect, it } from "vitest";
import { PluginInstance } from "../src/host.js";
import { definePlugin } from "../src/index.js";

describe("batchable tools", () => {
  it("lists each batchable tool with its window and leaves the others out", async () => {
    const plugin = definePlugin({
      name: "batching",
      tools: {
        lookup: { batch: { maxSize: 10, maxWaitMs: 50 }, handler: () => "ok" },
        plain: { handler: () => "ok" },
      },
    });
    const { manifest } = await PluginInstance.create(plugin);
    expect(manifest.batchableTools).toEqual([{ name: "lookup", maxSize: 10, maxWaitMs: 50 }]);
    expect(manifest.tools.map((t) => t.name)).toEqual(["lookup", "plain"]);
  });

  it("rejects a window that is not a positive size and a non-negative wait, naming the option", () => {
    const make = (batch: { maxSize: number; maxWaitMs: number }) => () =>
      definePlugin({ name: "bad", tools: { t: { batch, handler: () => "x" } } });
    expect(make({ maxSize: 0, maxWaitMs: 10 })).toThrow(/"batch.maxSize" must be an integer >= 1/);
    expect(make({ maxSize: 1.5, maxWaitMs: 10 })).toThrow(/"batch.maxSize"/);
    expect(make({ maxSize: 2, maxWaitMs: -1 })).toThrow(/"batch.maxWaitMs" must be a finite number >= 0/);
    expect(make({ maxSize: 2, maxWaitMs: Number.POSITIVE_INFINITY })).toThrow(/"batch.maxWaitMs"/);
    expect(make({ maxSize: 1, maxWaitMs: 0 })).not.toThrow();
  });
});
