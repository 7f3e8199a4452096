/** @module Behaviour of the echo plugin, driven through the host-side PluginInstance. */
import { type HostCallContext, PluginInstance } from "@mcp-runtime/plugin-sdk/host";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";

function hostContext(): HostCallContext {
  const refuse = () => Promise.reject(new Error("not available in tests"));
  return {
    signal: new AbortController().signal,
    progressToken: undefined,
    subject: undefined,
    protocolVersion: "2025-11-25",
    clientCapabilities: {},
    progress: () => {},
    log: () => {},
    elicit: refuse,
    sample: refuse,
    listRoots: refuse,
    notify: { listChanged: () => {}, resourceUpdated: () => {} },
  };
}

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
    const result = await instance.callTool("echo", { text: "héllo\nworld" }, hostContext());
    expect(result).toEqual({ content: [{ type: "text", text: "héllo\nworld" }] });
  });

  it("echoes the empty string", async () => {
    const instance = await PluginInstance.create(plugin);
    const result = await instance.callTool("echo", { text: "" }, hostContext());
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
    const result = await instance.getPrompt("echo", { text: "say this" }, hostContext());
    expect(result.messages).toEqual([{ role: "user", content: { type: "text", text: "say this" } }]);
  });
});
