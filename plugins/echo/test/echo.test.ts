/** @module Behaviour of the echo plugin, driven through the host-side PluginInstance. */
import { createTestCallContext, PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";

describe("echo plugin", () => {
  it("declares the echo tool with read-only, idempotent annotations", async () => {
    const instance = await PluginInstance.create(plugin);
    const [tool] = instance.manifest.tools;
    expect(tool?.name).toBe("echo");
    expect(tool?.description).toBe("Echo the given text back");
    expect(tool?.annotations).toEqual({ readOnlyHint: true, idempotentHint: true });
    expect(tool?.inputSchema).toMatchObject({ type: "object", required: ["text"] });
  });

  it("returns exactly one text content equal to the input text", async () => {
    const instance = await PluginInstance.create(plugin);
    const result = await instance.callTool("echo", { text: "héllo\nworld" }, createTestCallContext());
    expect(result).toEqual({ content: [{ type: "text", text: "héllo\nworld" }] });
  });

  it("echoes the empty string", async () => {
    const instance = await PluginInstance.create(plugin);
    const result = await instance.callTool("echo", { text: "" }, createTestCallContext());
    expect(result.content).toEqual([{ type: "text", text: "" }]);
  });

  it("rejects input without a string text", async () => {
    const instance = await PluginInstance.create(plugin);
    expect(instance.validateToolInput("echo", { text: 42 }).ok).toBe(false);
    expect(instance.validateToolInput("echo", {}).ok).toBe(false);
    expect(instance.validateToolInput("echo", { text: "ok" })).toEqual({ ok: true, value: { text: "ok" } });
  });

  it("offers an echo prompt whose message is the given text", async () => {
    const instance = await PluginInstance.create(plugin);
    expect(instance.manifest.prompts[0]).toMatchObject({
      name: "echo",
      arguments: [{ name: "text", required: true }],
    });
    const result = await instance.getPrompt("echo", { text: "say this" }, createTestCallContext());
    expect(result.messages).toEqual([{ role: "user", content: { type: "text", text: "say this" } }]);
  });
});
